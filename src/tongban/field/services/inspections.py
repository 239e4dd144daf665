"""Inspections from the case's side: opened when a case that needs one is accepted, given a
time by the applicant and at least two inspectors by the department, lit yellow and red
like cases, and a grant refused while the department's inspection has not passed.

An inspection is due `limit_days` working days (10 by default, per item) after it is opened.
A visit is scheduled once it has both a time and its inspectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState, Decision
from tongban.cases.services.followers import Transition
from tongban.catalog.inspections import (
    DEFAULT_LIMIT_DAYS,
    MIN_INSPECTORS,
    InspectionRule,
    inspection_rule,
)
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import (
    add_working_days,
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
ADDRESS_FIELDS = ("premises_address", "venue_address", "site_address", "company_address")
CANCEL_ON = frozenset({CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.TERMINATED})


def rule_for(case: Case) -> InspectionRule | None:
    """The case's item's inspection rule when it applies to the case's situations."""
    rule = inspection_rule(case.item.inspection)
    chosen = [f"{s}.{o}" for s, o in (case.situations or {}).items()]
    if rule is None or not rule.applies(chosen):
        return None
    return rule


def address_of(case: Case, rule: InspectionRule | None) -> str:
    """Where the site is: the form field the rule names, else the usual ones, else the
    enterprise's registered address."""
    data = case.form_data or {}
    for key in (rule.address_field if rule is not None else "", *ADDRESS_FIELDS):
        if key and isinstance(data.get(key), str) and data[key].strip():
            return str(data[key]).strip()[:200]
    if case.enterprise_id is not None and case.enterprise.address:  # type: ignore[union-attr]
        return case.enterprise.address  # type: ignore[union-attr]
    return ""


def frozen_checklist(case: Case, rule: InspectionRule) -> list[dict[str, Any]]:
    chosen = [f"{s}.{o}" for s, o in (case.situations or {}).items()]
    bases = {b.key: str(b) for b in case.item.legal_bases.all()}
    return [
        {
            "code": c.code,
            "text": c.text,
            "basis": c.basis,
            "basis_text": bases.get(c.basis, ""),
            "options": list(c.options),
        }
        for c in rule.checks_for(chosen)
    ]


def inspection_open(
    case: Case,
    rule: InspectionRule | None,
    *,
    previous: Inspection | None = None,
    due: dt.date | None = None,
    previsit: bool = False,
    address: str = "",
) -> Inspection:
    """The case's department's inspection, on a new visit to the case's site: a first round
    from the item's rule, or the next round of `previous`."""
    today = clock.localdate()
    if previous is not None:
        address, checklist = previous.visit.address, previous.checklist
    elif rule is not None:
        address, checklist = address or address_of(case, rule), frozen_checklist(case, rule)
    else:
        raise ValueError("a first inspection needs the item's rule")
    if due is None:
        due = add_working_days(today, rule.limit_days if rule is not None else DEFAULT_LIMIT_DAYS)
    visit = (_merged_visit(case, address) if previous is None else None) or (
        FieldVisit.objects.create(address=address)
    )
    inspection = Inspection.objects.create(
        case=case,
        department_id=case.department_id,
        visit=visit,
        previous=previous,
        round=previous.round + 1 if previous is not None else 1,
        purpose=previous.purpose if previous is not None else Inspection.Purpose.LICENSING,
        previsit=previsit,
        situations=dict(case.situations or {}),
        checklist=checklist,
        opened_on=today,
        due=due,
    )
    audit_log(
        action="inspection.open",
        obj=inspection,
        changes={"case": case.pk, "round": inspection.round, "due": str(inspection.due)},
    )
    notify(
        recipients=[case.applicant],
        subject=said(gettext_noop("请预约现场核查时间")),
        body=said(
            gettext_noop("您的“{item}”申请需要现场核查（{address}），请登录平台选择核查时间。"),
            item=case.item,
            address=address,
        ),
        ref=f"case:{case.pk}",
    )
    return inspection


def _merged_visit(case: Case, address: str) -> FieldVisit | None:
    """A 一件事's departments inspect one address once: the visit a sibling's inspection is
    already waiting for at the same address, if nothing has been recorded on it yet. A visit
    that was scheduled goes back to proposed until this department names its inspectors."""
    if case.bundle_case_id is None or not address:
        return None
    visit = (
        FieldVisit.objects.select_for_update(of=("self",))
        .filter(
            address=address,
            state__in=[FieldVisit.State.PROPOSED, FieldVisit.State.SCHEDULED],
            inspections__case__bundle_case_id=case.bundle_case_id,
            inspections__state=Inspection.State.OPEN,
        )
        .exclude(writes__isnull=False)
        .order_by("pk")
        .first()
    )
    if visit is not None and visit.state == FieldVisit.State.SCHEDULED:
        visit.state = FieldVisit.State.PROPOSED
        visit.save(update_fields=["state"])
        audit_log(action="inspection.visit.merge", obj=visit, changes={"case": case.pk})
    return visit


def latest_inspections(case: Case) -> list[Inspection]:
    """The latest round of each department's inspection of the case (and of its post-check)."""
    latest: dict[tuple[int, str], Inspection] = {}
    for inspection in Inspection.objects.filter(case=case).order_by("round", "pk"):
        latest[(inspection.department_id, inspection.purpose)] = inspection
    return list(latest.values())


def inspection_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """The lifecycle's follower: open on acceptance; refuse a grant without a passed
    inspection; cancel what is open when the case ends before its decision."""
    item = case.item
    if not (item.inspection or item.commitment):
        return  # most items: nothing to inspect, and no query spent on finding that out
    if transition.to_state == CaseState.ACCEPTED:
        _on_acceptance(case)
    elif transition.to_state == CaseState.DECIDED:
        if transition.data.get("decision") != Decision.GRANT:
            _cancel_open(case, "已作出不予许可决定")
            return
        for inspection in latest_inspections(case):
            if (
                inspection.purpose == Inspection.Purpose.LICENSING
                and inspection.state != Inspection.State.PASSED
            ):
                raise ValidationError(
                    {
                        "decision": [
                            f"现场核查{inspection.get_state_display()}，"
                            "核查通过后才能作出准予许可决定"
                        ]
                    }
                )
    elif transition.to_state in CANCEL_ON:
        _cancel_open(case, transition.note or "办件已结束")


def _on_acceptance(case: Case) -> None:
    """An inspection at acceptance: a commitment's post-check, or the item's inspection,
    unless a pre-visit (倒上门) already inspected the same site in the same situations."""
    from tongban.field.services.commitments import commitment_of, post_check_open

    existing = Inspection.objects.filter(case=case).order_by("-round", "-pk").first()
    commitment = commitment_of(case) if case.item.commitment else None
    if commitment is not None:  # 告知承诺: the promise is checked after the licence
        if existing is None or existing.purpose != Inspection.Purpose.POST_CHECK:
            post_check_open(case, commitment)
        return
    rule = rule_for(case)
    if rule is None:
        return
    if existing is None:
        inspection_open(case, rule)
        return
    changed = existing.situations != (case.situations or {}) or (
        address_of(case, rule) not in ("", existing.visit.address)
    )
    if existing.previsit and existing.state != Inspection.State.OPEN and changed:
        # What was inspected before the application is not what was applied for.
        Inspection.objects.filter(pk=existing.pk).update(
            result_note=(existing.result_note + "（申请时情形或地址已变化，重新核查）").strip()
        )
        inspection_open(case, rule, previous=existing)


def previsit_request(*, actor: User, case: Case, address: str = "") -> Inspection:
    """倒上门: before applying, the applicant asks the department to come: consultation,
    material pre-review and the inspection in one visit. Its result attaches to the
    application, so no second inspection is needed when nothing changed."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("item").get(pk=case.pk)
        if not actor.has_perm("cases.act_as_applicant", locked):
            raise PermissionDenied("只有申请人或其授权代办人可以申请上门预勘")
        if locked.state != CaseState.DRAFT:
            raise Conflict("申请已提交：现场核查将在受理后安排")
        rule = inspection_rule(locked.item.inspection)
        if rule is None or "previsit" not in rule.modes:
            raise ValidationError({"previsit": ["该事项不提供上门预勘"]})
        if not rule.applies([f"{s}.{o}" for s, o in (locked.situations or {}).items()]):
            raise ValidationError({"previsit": ["所选情形不需要现场核查，无需预勘"]})
        site = (address or "").strip()[:200] or address_of(locked, rule)
        if not site:
            raise ValidationError({"previsit": ["请先在申请表中填写经营场所地址"]})
        if Inspection.objects.filter(case=locked).exists():
            raise Conflict("已申请上门预勘")
        inspection = inspection_open(locked, rule, previsit=True, address=site)
        audit_log(action="inspection.previsit", obj=inspection, changes={"case": locked.pk})
        return inspection


def _cancel_open(case: Case, reason: str) -> None:
    for inspection in Inspection.objects.filter(case=case, state=Inspection.State.OPEN):
        inspection.state = Inspection.State.CANCELLED
        inspection.result_note = reason
        inspection.concluded_at = timezone.now()
        inspection.save(update_fields=["state", "result_note", "concluded_at"])
        audit_log(action="inspection.cancel", obj=inspection, changes={"reason": reason})
        visit = inspection.visit
        if not visit.inspections.filter(state=Inspection.State.OPEN).exists():
            FieldVisit.objects.filter(pk=visit.pk).exclude(state=FieldVisit.State.DONE).update(
                state=FieldVisit.State.CANCELLED
            )


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
