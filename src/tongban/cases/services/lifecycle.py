"""The case lifecycle after submission: pre-review, correction, acceptance, review, special
procedures, extension, decision, result, delivery, completion, withdrawal and termination.

Each use case locks the case row, checks the actor's permission on it, drives the state
machine, and writes its timeline entry and audit record in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState, Decision, Suspension, Visit
from tongban.cases.services import clock
from tongban.cases.services.events import case_event
from tongban.cases.services.notices import case_notify_applicant
from tongban.cases.services.numbering import case_number_next
from tongban.core.audit import audit_log


class CaseConflict(Exception):
    """The transition is not allowed from the case's current state (HTTP 409)."""

    def __init__(self, case: Case, action: str) -> None:
        self.case = case
        super().__init__(f"办件当前状态为“{CaseState(case.state).label}”，不能执行“{action}”")


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("item", "department").get(pk=case.pk)


def _step(
    case: Case,
    *,
    actor: User,
    permission: str,
    transition: Callable[[Case], Any],
    action: str,
    label: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    before: Callable[[Case], object] | None = None,
) -> Case:
    case = _locked(case)
    if not actor.has_perm(permission, case):
        raise PermissionDenied(f"无权对该办件执行“{label}”")
    from_state = case.state
    try:
        transition(case)
    except TransitionNotAllowed as exc:
        raise CaseConflict(case, label) from exc
    if before is not None:
        before(case)
    case.save()
    case_event(
        case, actor=actor, action=action, from_state=from_state, note=note, data=dict(data or {})
    )
    audit_log(
        action=f"case.{action}",
        obj=case,
        changes={"state": [from_state, case.state], **({"note": [None, note]} if note else {})},
    )
    case_notify_applicant(case, action, note)
    return case


def _required_text(value: str, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: [f"请填写{label}"]})
    return text


@transaction.atomic
def case_start_pre_review(*, case: Case, actor: User) -> Case:
    return _step(
        case,
        actor=actor,
        permission="cases.accept_case",
        transition=Case.start_pre_review,
        action="pre_review",
        label="预审",
    )


@transaction.atomic
def case_request_correction(
    *, case: Case, actor: User, problems: Mapping[int, str], on: dt.date | None = None
) -> Case:
    """补正: name each missing or wrong material; during review the clock stops meanwhile."""
    if not problems:
        raise ValidationError({"problems": ["请列出需补正的材料及原因"]})
    locked = _locked(case)
    known = dict(locked.materials.values_list("material_id", "pk"))
    unknown = [m for m in problems if m not in known]
    if unknown:
        raise ValidationError({"problems": [f"材料{m}不属于本办件" for m in unknown]})
    day = on or clock.today()
    permission = "cases.review_case" if locked.state == CaseState.IN_REVIEW else "cases.accept_case"

    def mark(c: Case) -> None:
        c.return_state = CaseState.IN_REVIEW if c.accepted_on else CaseState.SUBMITTED
        for material_id, reason in problems.items():
            CaseMaterial.objects.filter(case=c, material_id=material_id).update(
                status=CaseMaterial.Status.NEEDS_CORRECTION, correction_note=reason.strip()[:300]
            )
        clock.clock_suspend(c, kind=Suspension.Kind.CORRECTION, reason="等待申请人补正", on=day)

    return _step(
        locked,
        actor=actor,
        permission=permission,
        transition=Case.request_correction,
        action="request_correction",
        label="要求补正",
        note="；".join(problems.values()),
        data={"materials": sorted(problems)},
        before=mark,
    )


@transaction.atomic
def case_resubmit(
    *, case: Case, actor: User, files: Mapping[int, Any], on: dt.date | None = None
) -> Case:
    """The applicant corrects the named materials; the same case goes back where it was."""
    from tongban.cases.services.submission import _attach, _check_upload

    locked = _locked(case)
    if not actor.has_perm("cases.act_as_applicant", locked):
        raise PermissionDenied("只有申请人或受托代办员可以补正")
    if locked.state != CaseState.CORRECTION:
        raise CaseConflict(locked, "补正提交")
    wanted = {
        row.material_id: row
        for row in locked.materials.filter(
            status=CaseMaterial.Status.NEEDS_CORRECTION
        ).select_related("material")
    }
    errors: dict[str, list[str]] = {}
    for material_id, row in wanted.items():
        upload = files.get(material_id)
        if upload is None:
            errors[f"materials.{material_id}"] = [f"请重新提交“{row.material.name}”"]
        elif problems := _check_upload(row.material, upload):
            errors[f"materials.{material_id}"] = problems
    for material_id in files:
        if material_id not in wanted:
            errors[f"materials.{material_id}"] = ["该材料无需补正"]
    if errors:
        raise ValidationError(errors)
    for material_id, row in wanted.items():
        _attach(locked, row.material, files[material_id])
    day = on or clock.today()

    def back(c: Case) -> None:
        clock.clock_resume(c, on=day)

    target = (
        Case.resubmit_to_review
        if locked.return_state == CaseState.IN_REVIEW
        else (Case.resubmit_to_pre_review)
    )
    return _step(
        locked,
        actor=actor,
        permission="cases.act_as_applicant",
        transition=target,
        action="resubmit",
        label="补正提交",
        before=back,
    )


@transaction.atomic
def case_reject(*, case: Case, actor: User, reason: str) -> Case:
    text = _required_text(reason, "reason", "不予受理的理由")

    def close(c: Case) -> None:
        c.closing_reason = text
        c.completed_at = timezone.now()

    return _step(
        case,
        actor=actor,
        permission="cases.accept_case",
        transition=Case.reject,
        action="reject",
        label="不予受理",
        note=text,
        before=close,
    )


@transaction.atomic
def case_accept(
    *, case: Case, actor: User, on: dt.date | None = None, in_person: bool = False
) -> Case:
    """受理: a unique, gap-free case number and the legal and promised due dates."""
    day = on or clock.today()

    def start(c: Case) -> None:
        c.accepted_at = timezone.now()
        clock.clock_start(c, on=day)
        c.number = case_number_next(day=day)
        if in_person:
            Visit.objects.create(
                case=c, purpose=Visit.Purpose.WINDOW_APPLICATION, recorded_by=actor
            )

    return _step(
        case,
        actor=actor,
        permission="cases.accept_case",
        transition=Case.accept,
        action="accept",
        label="受理",
        before=start,
    )


@transaction.atomic
def case_start_review(*, case: Case, actor: User) -> Case:
    return _step(
        case,
        actor=actor,
        permission="cases.review_case",
        transition=Case.start_review,
        action="review",
        label="审查",
    )


@transaction.atomic
def case_suspend(
    *, case: Case, actor: User, kind: str, reason: str, on: dt.date | None = None
) -> Case:
    """特别程序 (expert review, hearing, public notice, inspection): the clock stops."""
    if kind not in Suspension.Kind.values or kind == Suspension.Kind.CORRECTION:
        raise ValidationError({"kind": ["特别程序类型无效"]})
    text = _required_text(reason, "reason", "原因")
    day = on or clock.today()
    return _step(
        case,
        actor=actor,
        permission="cases.review_case",
        transition=Case.suspend,
        action="suspend",
        label="启动特别程序",
        note=text,
        data={"kind": kind},
        before=lambda c: clock.clock_suspend(c, kind=kind, reason=text, on=day),
    )


@transaction.atomic
def case_resume(*, case: Case, actor: User, on: dt.date | None = None) -> Case:
    day = on or clock.today()
    return _step(
        case,
        actor=actor,
        permission="cases.review_case",
        transition=Case.resume,
        action="resume",
        label="结束特别程序",
        before=lambda c: clock.clock_resume(c, on=day),
    )


@transaction.atomic
def case_extend(*, case: Case, actor: User, working_days: int, reason: str) -> Case:
    """延期, approved by the handling department; both due dates move by the same days."""
    text = _required_text(reason, "reason", "延期理由")
    if not 1 <= working_days <= 30:
        raise ValidationError({"working_days": ["延期天数应为1至30个工作日"]})
    locked = _locked(case)
    if not actor.has_perm("cases.approve_extension", locked):
        raise PermissionDenied("无权批准延期")
    if locked.state not in (CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED):
        raise CaseConflict(locked, "延期")
    old = (locked.legal_due, locked.promised_due)
    clock.clock_extend(locked, working_days=working_days, reason=text, approved_by=actor)
    locked.save()
    case_notify_applicant(locked, "extend", text)
    case_event(
        locked,
        actor=actor,
        action="extend",
        from_state=locked.state,
        note=text,
        data={"working_days": working_days},
    )
    audit_log(
        action="case.extend",
        obj=locked,
        changes={
            "legal_due": [old[0], locked.legal_due],
            "promised_due": [old[1], locked.promised_due],
            "reason": [None, text],
        },
    )
    return locked


@transaction.atomic
def case_decide(*, case: Case, actor: User, decision: str, reason: str) -> Case:
    if decision not in Decision.values:
        raise ValidationError({"decision": ["决定应为准予或不予许可"]})
    text = reason.strip()
    if decision == Decision.DENY and not text:
        raise ValidationError({"reason": ["不予许可须说明理由"]})

    def record(c: Case) -> None:
        c.decision = decision
        c.decision_reason = text
        c.decided_at = timezone.now()

    return _step(
        case,
        actor=actor,
        permission="cases.review_case",
        transition=Case.decide,
        action="decide",
        label="作出决定",
        note=f"{Decision(decision).label}{'：' + text if text else ''}",
        data={"decision": decision},
        before=record,
    )


@transaction.atomic
def case_produce_result(*, case: Case, actor: User) -> Case:
    return _step(
        case,
        actor=actor,
        permission="cases.review_case",
        transition=Case.produce_result,
        action="produce_result",
        label="制作结果",
    )


@transaction.atomic
def case_deliver(*, case: Case, actor: User, mode: str, in_person: bool = False) -> Case:
    """送达: window pickup counts as a visit; mail, locker and door delivery do not."""
    locked = _locked(case)
    if mode not in (locked.item.delivery_modes or []):
        raise ValidationError({"mode": ["该事项不支持此送达方式"]})

    def visit(c: Case) -> None:
        if in_person:
            Visit.objects.create(case=c, purpose=Visit.Purpose.PICKUP, recorded_by=actor)

    return _step(
        locked,
        actor=actor,
        permission="cases.deliver_case",
        transition=Case.deliver,
        action="deliver",
        label="送达",
        data={"mode": mode},
        before=visit,
    )


@transaction.atomic
def case_complete(*, case: Case, actor: User) -> Case:
    def done(c: Case) -> None:
        c.completed_at = timezone.now()

    return _step(
        case,
        actor=actor,
        permission="cases.deliver_case",
        transition=Case.complete,
        action="complete",
        label="办结",
        before=done,
    )


@transaction.atomic
def case_withdraw(*, case: Case, actor: User, reason: str = "") -> Case:
    def close(c: Case) -> None:
        c.closing_reason = reason.strip()
        c.completed_at = timezone.now()
        clock.clock_resume(c, on=clock.today())

    return _step(
        case,
        actor=actor,
        permission="cases.act_as_applicant",
        transition=Case.withdraw,
        action="withdraw",
        label="撤回",
        note=reason.strip(),
        before=close,
    )


@transaction.atomic
def case_terminate(*, case: Case, actor: User, reason: str) -> Case:
    text = _required_text(reason, "reason", "终止原因")

    def close(c: Case) -> None:
        c.closing_reason = text
        c.completed_at = timezone.now()

    return _step(
        case,
        actor=actor,
        permission="cases.terminate_case",
        transition=Case.terminate,
        action="terminate",
        label="终止",
        note=text,
        before=close,
    )
