"""Special procedures (the clock stops) and extensions (the limits move)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState, Suspension
from tongban.cases.services import clock
from tongban.cases.services.events import case_event
from tongban.cases.services.notices import case_notify_applicant
from tongban.cases.services.steps import CaseConflict, _locked, _required_text, _step
from tongban.core.audit import audit_log


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
    old = clock.dues_of(locked)
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
        changes={**clock.dues_changes(old, locked), "reason": [None, text]},
    )
    return locked
