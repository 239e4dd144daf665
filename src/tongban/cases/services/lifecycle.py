"""The case lifecycle after submission: pre-review, correction, acceptance, review, special
procedures, extension, decision, result, delivery, completion, withdrawal and termination.

Correction lives in `correction`, special procedures and extensions in `procedures`; they are
re-exported here so callers use one module. Each use case locks the case row, checks the
actor's permission on it, drives the state machine, and writes its timeline entry and audit
record in the same transaction (see `steps`); then it publishes the transition to the
lifecycle's followers (`followers`: the 一件事 and, later, delivery, ratings, inspections),
which react in that transaction. Nothing here imports what follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.joint.models import JointReview, JointReviewState
from tongban.cases.models import Case, Decision, Visit
from tongban.cases.services import clock
from tongban.cases.services.correction import case_request_correction, case_resubmit
from tongban.cases.services.numbering import case_number_next
from tongban.cases.services.procedures import case_extend, case_resume, case_suspend
from tongban.cases.services.results import results_make
from tongban.cases.services.steps import CaseConflict, _locked, _required_text, _step
from tongban.cases.services.visits import visit_once
from tongban.core.texts import said


@transaction.atomic
def case_start_pre_review(*, case: Case, actor: User | None, cause: str = "") -> Case:
    return _step(
        case,
        actor=actor,
        cause=cause,
        permission="cases.accept_case",
        transition=Case.start_pre_review,
        action="pre_review",
        label="预审",
    )


def _closing(reason: str) -> Callable[[Case], None]:
    """Ending a case before its decision: the reason, the end time, and any running
    suspension closed so the clock's record is complete."""

    def close(c: Case) -> None:
        c.closing_reason = reason
        c.completed_at = timezone.now()
        clock.clock_resume(c, on=clock.today())

    return close


@transaction.atomic
def case_reject(*, case: Case, actor: User, reason: str) -> Case:
    text = _required_text(reason, "reason", "不予受理的理由")
    return _step(
        case,
        actor=actor,
        permission="cases.accept_case",
        transition=Case.reject,
        action="reject",
        label="不予受理",
        note=text,
        before=_closing(text),
    )


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: User | None,
    on: dt.date | None = None,
    in_person: bool = False,
    cause: str = "",
) -> Case:
    """受理: a unique, gap-free case number and the legal and promised due dates."""
    day = on or clock.today()

    def start(c: Case) -> None:
        c.accepted_at = timezone.now()
        clock.clock_start(c, on=day)
        c.number = case_number_next(day=day)
        if in_person and actor is not None:
            visit_once(c, purpose=Visit.Purpose.WINDOW_APPLICATION, actor=actor)

    return _step(
        case,
        actor=actor,
        cause=cause,
        permission="cases.accept_case",
        transition=Case.accept,
        action="accept",
        label="受理",
        before=start,
    )


@transaction.atomic
def case_start_review(*, case: Case, actor: User | None, cause: str = "") -> Case:
    return _step(
        case,
        actor=actor,
        cause=cause,
        permission="cases.review_case",
        transition=Case.start_review,
        action="review",
        label="审查",
    )


@transaction.atomic
def case_decide(
    *,
    case: Case,
    actor: User | None,
    decision: str,
    reason: str,
    joint: bool = False,
    cause: str = "",
) -> Case:
    """作出决定. A case under joint review is decided only by the review's one decision
    (`joint`), never alone."""
    if (
        not joint
        and JointReview.objects.filter(
            cases=case, state__in=[JointReviewState.OPEN, JointReviewState.CLOSED]
        ).exists()
    ):
        raise ValidationError({"decision": ["该办件正在联合审查，须由牵头部门统一作出决定"]})
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
        cause=cause,
        permission="cases.decide_case",
        transition=Case.decide,
        action="decide",
        label="作出决定",
        note=(
            said(
                gettext_noop("{decision}：{reason}"), decision=Decision(decision).label, reason=text
            )
            if text
            else said(gettext_noop("{decision}"), decision=Decision(decision).label)
        ),
        data={"decision": decision},
        before=record,
    )


@transaction.atomic
def case_produce_result(*, case: Case, actor: User | None, cause: str = "") -> Case:
    """制作结果: the result makers (the certificate library) make the certificate or decision
    document in the same transaction."""
    return _step(
        case,
        actor=actor,
        cause=cause,
        permission="cases.review_case",
        transition=Case.produce_result,
        action="produce_result",
        label="制作结果",
        after=lambda c: results_make(c, actor),
    )


@transaction.atomic
def case_deliver(*, case: Case, actor: User, mode: str, in_person: bool = False) -> Case:
    """送达: window pickup counts as a visit; mail, locker and door delivery do not."""
    locked = _locked(case)
    if mode not in (locked.item.delivery_modes or []):
        raise ValidationError({"mode": ["该事项不支持此送达方式"]})

    def visit(c: Case) -> None:
        if in_person:
            visit_once(c, purpose=Visit.Purpose.PICKUP, actor=actor)

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
def case_delivery_confirm(*, case: Case, mode: str, cause: str, note: str) -> Case:
    """送达 and 办结 confirmed by the platform from physical evidence its caller checked (a
    locker door cycle that completed, a courier's 签收, a signed hand-over, a certificate
    made for download): no visit, and no person's permission."""
    locked = _locked(case)
    delivered = _step(
        locked,
        actor=None,
        permission="cases.deliver_case",
        transition=Case.deliver,
        action="deliver",
        label="送达",
        note=note,
        data={"mode": mode},
        cause=cause,
    )

    def done(c: Case) -> None:
        c.completed_at = timezone.now()

    return _step(
        delivered,
        actor=None,
        permission="cases.deliver_case",
        transition=Case.complete,
        action="complete",
        label="办结",
        before=done,
        cause=cause,
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
    return _step(
        case,
        actor=actor,
        permission="cases.act_as_applicant",
        transition=Case.withdraw,
        action="withdraw",
        label="撤回",
        note=reason.strip(),
        before=_closing(reason.strip()),
    )


@transaction.atomic
def case_terminate(*, case: Case, actor: User, reason: str) -> Case:
    text = _required_text(reason, "reason", "终止原因")
    return _step(
        case,
        actor=actor,
        permission="cases.terminate_case",
        transition=Case.terminate,
        action="terminate",
        label="终止",
        note=text,
        before=_closing(text),
    )


__all__ = [
    "CaseConflict",
    "case_accept",
    "case_complete",
    "case_decide",
    "case_deliver",
    "case_delivery_confirm",
    "case_extend",
    "case_produce_result",
    "case_reject",
    "case_request_correction",
    "case_resubmit",
    "case_resume",
    "case_start_pre_review",
    "case_start_review",
    "case_suspend",
    "case_terminate",
    "case_withdraw",
]
