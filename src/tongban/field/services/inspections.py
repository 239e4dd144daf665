"""Inspections from the case's side: opened when a case that needs one is accepted (or asked
for before applying, 倒上门), merged into one visit for a 一件事's departments at one address,
and a grant refused while the department's inspection has not passed. Their time, their
inspectors and their lights are in `scheduling`.

An inspection is due `limit_days` working days (10 by default, per item) after it is opened."""

from __future__ import annotations

import datetime as dt
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
    InspectionRule,
    inspection_rule,
)
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import (
    add_working_days,
)
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.field.models import FieldVisit, Inspection
from tongban.field.services.commitments import commitment_of, post_check_open
from tongban.field.services.sites import address_of
from tongban.floorplans.services import plan_checklist
from tongban.notify.services import notify

CANCEL_ON = frozenset({CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.TERMINATED})


def rule_for(case: Case) -> InspectionRule | None:
    """The case's item's inspection rule when it applies to the case's situations."""
    rule = inspection_rule(case.item.inspection)
    chosen = [f"{s}.{o}" for s, o in (case.situations or {}).items()]
    if rule is None or not rule.applies(chosen):
        return None
    return rule


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
    ] + plan_checklist(case)


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
