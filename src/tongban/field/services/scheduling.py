"""When and by whom an inspection is made: the applicant (or the department, on the phone
with them) chooses one of the next working days' half days; the department's reviewer names
at least two of its inspectors; a visit with both is scheduled and everyone told. Open
inspections turn yellow two working days before their deadline and red after it, like cases
(the sweep `field.inspections`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.catalog.inspections import (
    MIN_INSPECTORS,
    inspection_rule,
)
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import (
    db_calendar,
    is_working_day,
    working_days_between,
)
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.field.models import FieldVisit, Inspection, VisitInspector, Warning
from tongban.field.rules import INSPECTING_ROLES
from tongban.notify.services import notify

# The times a visit can be booked: two half days of each working day.
SLOTS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30)))
SLOT_DAYS = 10
# Yellow when this many working days or fewer are left, as for cases.
YELLOW_DAYS = 2


# --- scheduling ---------------------------------------------------------------------------


def slots_for(visit: FieldVisit, *, days: int = SLOT_DAYS) -> list[tuple[dt.datetime, dt.datetime]]:
    """The half days the visit can be booked for: the next `days` working days."""
    tz = timezone.get_current_timezone()
    now = clock.now()
    day = clock.localdate()
    found: list[tuple[dt.datetime, dt.datetime]] = []
    while len(found) < days * len(SLOTS):
        day += dt.timedelta(days=1)
        if not is_working_day(day):
            continue
        for start, end in SLOTS:
            begins = dt.datetime.combine(day, start, tzinfo=tz)
            if begins > now:
                found.append((begins, dt.datetime.combine(day, end, tzinfo=tz)))
    return found


def _visit_locked(visit: FieldVisit) -> FieldVisit:
    return FieldVisit.objects.select_for_update().get(pk=visit.pk)


def _open_cases(visit: FieldVisit) -> list[Case]:
    return [
        i.case for i in visit.inspections.filter(state=Inspection.State.OPEN).select_related("case")
    ]


def _needed(visit: FieldVisit) -> dict[int, int]:
    """How many inspectors each department with an open inspection on the visit must send:
    at least two (《行政许可法》第四十八条), more where its item asks."""
    needed: dict[int, int] = {}
    for inspection in visit.inspections.filter(state=Inspection.State.OPEN).select_related(
        "case__item"
    ):
        rule = inspection_rule(inspection.case.item.inspection)
        count = max(MIN_INSPECTORS, rule.inspectors if rule is not None else MIN_INSPECTORS)
        needed[inspection.department_id] = max(needed.get(inspection.department_id, 0), count)
    return needed


def _schedule_if_ready(visit: FieldVisit) -> None:
    """Scheduled once it has a time and every department its inspectors."""
    sent: dict[int, int] = {}
    for department_id in visit.assignments.values_list("department_id", flat=True):
        sent[department_id] = sent.get(department_id, 0) + 1
    needed = _needed(visit)
    if (
        visit.state == FieldVisit.State.PROPOSED
        and visit.starts_at is not None
        and needed
        and all(sent.get(d, 0) >= n for d, n in needed.items())
    ):
        visit.state = FieldVisit.State.SCHEDULED
        visit.save(update_fields=["state"])
        audit_log(action="inspection.visit.schedule", obj=visit)
        inspectors = [a.inspector for a in visit.assignments.select_related("inspector")]
        when = timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M")
        notify(
            recipients=inspectors,
            subject=said(gettext_noop("现场核查任务")),
            body=said(
                gettext_noop("{when} 到 {address} 现场核查，请在“现场核查”页面查看核查表。"),
                when=when,
                address=visit.address,
            ),
            ref=f"field-visit:{visit.pk}",
            channel_names=("inbox",),
        )
        applicants = {c.applicant_id: c.applicant for c in _open_cases(visit)}
        notify(
            recipients=list(applicants.values()),
            subject=said(gettext_noop("现场核查已安排")),
            body=said(
                gettext_noop("核查人员将于 {when} 到 {address} 现场核查，请届时在场。"),
                when=when,
                address=visit.address,
            ),
            ref=f"field-visit:{visit.pk}",
        )


@transaction.atomic
def visit_choose_slot(*, actor: User, visit: FieldVisit, starts_at: dt.datetime) -> FieldVisit:
    """The applicant (or their agent, or the department's reviewer on the phone with them)
    chooses one of the offered half days."""
    locked = _visit_locked(visit)
    cases = _open_cases(locked)
    if not cases:
        raise Conflict("该现场核查已结束，不能再预约")
    if not any(
        actor.has_perm("cases.act_as_applicant", c) or actor.has_perm("field.assign", i)
        for c in cases
        for i in locked.inspections.filter(case=c)
    ):
        raise PermissionDenied("只有申请人、其授权代办人或承办部门可以预约核查时间")
    if locked.state != FieldVisit.State.PROPOSED:
        raise Conflict("核查时间已安排，如需改期请联系承办部门")
    offered = {start: end for start, end in slots_for(locked)}
    if starts_at not in offered:
        raise ValidationError({"starts_at": ["请选择页面列出的可预约时段"]})
    locked.starts_at = starts_at
    locked.ends_at = offered[starts_at]
    locked.slot_chosen_by = actor
    locked.save(update_fields=["starts_at", "ends_at", "slot_chosen_by"])
    audit_log(action="inspection.visit.slot", obj=locked, changes={"starts_at": str(starts_at)})
    _schedule_if_ready(locked)
    return locked


@transaction.atomic
def visit_assign(
    *, actor: User, inspection: Inspection, inspector_ids: Iterable[int]
) -> FieldVisit:
    """The department's reviewer names its inspectors for the visit (at least two in all,
    each an active inspector or reviewer of the department)."""
    if not actor.has_perm("field.assign", inspection):
        raise PermissionDenied("只有承办部门的审批人员可以指派核查人员")
    locked = _visit_locked(inspection.visit)
    if locked.state not in (FieldVisit.State.PROPOSED, FieldVisit.State.SCHEDULED):
        raise Conflict(f"该现场核查{locked.get_state_display()}，不能再指派")
    ids = sorted({int(i) for i in inspector_ids})
    people = list(
        User.objects.filter(
            pk__in=ids,
            is_active=True,
            department_id=inspection.department_id,
            role_grants__role__in=INSPECTING_ROLES,
        ).distinct()
    )
    if len(people) != len(ids):
        raise ValidationError({"inspector_ids": ["核查人员须为本部门在岗的核查或审批人员"]})
    needed = _needed(locked).get(inspection.department_id, MIN_INSPECTORS)
    if len(people) < needed:
        raise ValidationError({"inspector_ids": [f"现场核查须由本部门至少{needed}名核查人员进行"]})
    if locked.state == FieldVisit.State.SCHEDULED and locked.writes.exists():
        raise Conflict("核查已开始记录，不能再更换核查人员")
    locked.assignments.filter(department_id=inspection.department_id).delete()
    VisitInspector.objects.bulk_create(
        [
            VisitInspector(
                visit=locked,
                inspector=p,
                department_id=inspection.department_id,
                assigned_by=actor,
            )
            for p in people
        ]
    )
    audit_log(action="inspection.visit.assign", obj=locked, changes={"inspectors": ids})
    _schedule_if_ready(locked)
    return locked


# --- lights -------------------------------------------------------------------------------


def warning_for(inspection: Inspection, today: dt.date) -> str:
    if inspection.state != Inspection.State.OPEN:
        return Warning.NONE
    if today > inspection.due:
        return Warning.RED
    if _yellow(inspection.due, today):
        return Warning.YELLOW
    return Warning.NONE


def _yellow(due: dt.date, today: dt.date) -> bool:
    """No more than YELLOW_DAYS working days left."""
    return working_days_between(today, due) <= YELLOW_DAYS


def inspections_warnings_sweep(*, on: dt.date | None = None) -> dict[str, int]:
    """Recompute every open inspection's light; one turning yellow or red tells its
    department's reviewers and the assigned inspectors. Idempotent."""
    today = on or clock.localdate()
    db_calendar()
    changed = {"yellow": 0, "red": 0, "none": 0}
    for inspection in Inspection.objects.filter(state=Inspection.State.OPEN).select_related(
        "case__item"
    ):
        warning = warning_for(inspection, today)
        if warning == inspection.warning:
            continue
        with transaction.atomic():
            updated = Inspection.objects.filter(
                pk=inspection.pk, warning=inspection.warning
            ).update(warning=warning)
            if not updated:
                continue
            audit_log(
                action="inspection.warning",
                obj=inspection,
                changes={"warning": [inspection.warning, warning]},
            )
            if warning:
                _warn(inspection, warning)
        changed[warning or "none"] += 1
    return changed


def _warn(inspection: Inspection, warning: str) -> None:
    reviewers = User.objects.filter(
        is_active=True, department_id=inspection.department_id, role_grants__role="reviewer"
    ).distinct()
    inspectors = [a.inspector for a in inspection.visit.assignments.select_related("inspector")]
    recipients = {u.pk: u for u in [*reviewers, *inspectors]}.values()
    label = "已超期" if warning == Warning.RED else "即将到期"
    notify(
        recipients=list(recipients),
        subject=f"现场核查{label}",
        body=(
            f"“{inspection.case.item.name}”办件{inspection.case.number}的现场核查{label}"
            f"（期限{inspection.due}），请督促按期完成。"
        ),
        ref=f"inspection:{inspection.pk}",
        channel_names=("inbox",),
    )
