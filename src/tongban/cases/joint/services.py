"""Joint review (联合审查): convene, one opinion row per department, close, one decision.

The lead department's reviewer convenes a meeting over cases under review (a 一件事's
children, or one item's case) with the participating departments; each participant's
reviewer enters its department's row (agree / agree with conditions / disagree, with the
conditions and the legal basis); the lead closes the form once every row is in, and issues
one decision that decides every case on the agenda. A case under joint review cannot be
decided alone; a decision before every opinion is in is refused, naming who is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Department, Role, User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.joint.models import JointOpinion, JointReview, JointReviewState, OpinionKind
from tongban.cases.models import Case, CaseState, Decision
from tongban.cases.services.events import case_event
from tongban.cases.services.results import joint_decision_make
from tongban.core.audit import audit_log

REVIEWABLE = {CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED}


def _is_reviewer_of(actor: User, department_id: int) -> bool:
    return actor.has_role(Role.ADMINISTRATOR) or (
        actor.has_role(Role.REVIEWER) and actor.department_id == department_id
    )


def _locked(review: JointReview) -> JointReview:
    return JointReview.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def joint_review_convene(
    *,
    actor: User,
    cases: Iterable[Case],
    participants: Iterable[Department],
    meeting_at: dt.datetime,
    place: str,
    online: bool = False,
    bundle_case: BundleCase | None = None,
) -> JointReview:
    agenda = list(cases)
    departments = {d.pk: d for d in participants}
    if actor.department_id is None or not _is_reviewer_of(actor, actor.department_id):
        raise PermissionDenied("只有牵头部门的审查人员可以召集联合审查")
    lead_id = actor.department_id
    errors: dict[str, list[str]] = {}
    if not agenda:
        errors["cases"] = ["请选择联合审查的办件"]
    elif bad := [c for c in agenda if c.state not in REVIEWABLE]:
        errors["cases"] = [f"办件{c.number or c.pk}尚未受理或已作出决定" for c in bad]
    for case in agenda:
        departments.setdefault(case.department_id, case.department)
    departments.pop(lead_id, None)
    if not departments:
        errors["participants"] = ["请至少邀请一个参与部门"]
    if not place.strip():
        errors["place"] = ["请填写会议地点或线上会议链接"]
    if errors:
        raise ValidationError(errors)
    review = JointReview.objects.create(
        bundle_case=bundle_case,
        lead_department_id=lead_id,
        convened_by=actor,
        meeting_at=meeting_at,
        place=place.strip()[:200],
        online=online,
    )
    review.cases.set(agenda)
    rows = [JointOpinion(review=review, department_id=lead_id)]
    rows += [JointOpinion(review=review, department_id=pk) for pk in sorted(departments)]
    JointOpinion.objects.bulk_create(rows)
    for case in agenda:
        case_event(
            case,
            actor=actor,
            action="joint_review",
            note=f"纳入联合审查（{timezone.localtime(meeting_at):%Y-%m-%d %H:%M}，{review.place}）",
        )
    audit_log(
        action="joint_review.convene",
        obj=review,
        changes={"cases": [c.pk for c in agenda], "departments": [r.department_id for r in rows]},
    )
    return review


@transaction.atomic
def joint_opinion_enter(
    *, actor: User, review: JointReview, opinion: str, conditions: str = "", legal_basis: str = ""
) -> JointOpinion:
    review = _locked(review)
    row = (
        review.opinions.filter(department_id=actor.department_id).first()
        if actor.department_id is not None
        else None
    )
    if row is None or not _is_reviewer_of(actor, row.department_id):
        raise PermissionDenied("只有参与部门的审查人员可以填写本部门意见")
    if review.state != JointReviewState.OPEN:
        raise ValidationError({"review": ["意见表已汇总，不能再修改"]})
    errors: dict[str, list[str]] = {}
    if opinion not in OpinionKind.values:
        errors["opinion"] = ["意见应为同意、有条件同意或不同意"]
    if opinion == OpinionKind.CONDITIONAL and not conditions.strip():
        errors["conditions"] = ["有条件同意须写明条件"]
    if opinion in (OpinionKind.CONDITIONAL, OpinionKind.DISAGREE) and not legal_basis.strip():
        errors["legal_basis"] = ["须写明依据"]
    if errors:
        raise ValidationError(errors)
    before = row.opinion
    row.opinion = opinion
    row.conditions = conditions.strip()
    row.legal_basis = legal_basis.strip()
    row.entered_by = actor
    row.entered_at = timezone.now()
    row.save()
    audit_log(
        action="joint_review.opinion",
        obj=review,
        changes={"department": row.department_id, "opinion": [before or None, opinion]},
    )
    return row


def _missing(review: JointReview) -> list[str]:
    return [
        r.department.short_name or r.department.name
        for r in review.opinions.select_related("department")
        if not r.opinion
    ]


@transaction.atomic
def joint_review_close(*, actor: User, review: JointReview) -> JointReview:
    review = _locked(review)
    if not _is_reviewer_of(actor, review.lead_department_id):
        raise PermissionDenied("只有牵头部门可以汇总意见表")
    if review.state != JointReviewState.OPEN:
        raise ValidationError({"review": ["意见表已汇总"]})
    if missing := _missing(review):
        raise ValidationError({"opinions": [f"尚有部门未提交意见：{'、'.join(missing)}"]})
    review.state = JointReviewState.CLOSED
    review.closed_at = timezone.now()
    review.save(update_fields=["state", "closed_at"])
    audit_log(action="joint_review.close", obj=review, changes={"state": ["open", "closed"]})
    return review


@transaction.atomic
def joint_review_decide(
    *, actor: User, review: JointReview, decision: str, reason: str = ""
) -> JointReview:
    """One decision for every case on the agenda, taken by the lead department."""
    from tongban.cases.services.lifecycle import case_decide

    review = _locked(review)
    if not _is_reviewer_of(actor, review.lead_department_id):
        raise PermissionDenied("只有牵头部门可以作出决定")
    if review.state == JointReviewState.DECIDED:
        raise ValidationError({"review": ["已作出决定"]})
    if missing := _missing(review):
        raise ValidationError(
            {"opinions": [f"尚有部门未提交意见，不能作出决定：{'、'.join(missing)}"]}
        )
    if review.state == JointReviewState.OPEN:
        raise ValidationError({"review": ["请先汇总意见表"]})
    against = [
        r.department.name
        for r in review.opinions.select_related("department")
        if r.opinion == OpinionKind.DISAGREE
    ]
    if decision == Decision.GRANT and against:
        raise ValidationError({"decision": [f"{'、'.join(against)}不同意，不能作出准予决定"]})
    if decision == Decision.DENY and not reason.strip():
        raise ValidationError({"reason": ["不予许可须说明理由"]})
    agenda = list(review.cases.select_related("department"))
    if waiting := [c for c in agenda if c.state != CaseState.IN_REVIEW]:
        names = "、".join(f"{c.number}（{c.department.short_name}）" for c in waiting)
        raise ValidationError({"cases": [f"这些办件尚未进入审查或已暂停：{names}"]})
    for case in agenda:  # the lead decides each (permitted while the form is closed)
        case_decide(case=case, actor=actor, decision=decision, reason=reason, joint=True)
    review.state = JointReviewState.DECIDED
    review.decision = decision
    review.decision_reason = reason.strip()
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    audit_log(
        action="joint_review.decide",
        obj=review,
        changes={"decision": decision, "state": ["closed", "decided"]},
    )
    joint_decision_make(review, actor)  # the opinion form, signed with the one seal
    return review


def may_convene(user: User, case: Case) -> bool:
    """A reviewer of the lead department (the bundle's, else the case's own), while the case
    is under review and in no running joint review."""
    if not user.has_role(Role.REVIEWER) or case.state not in REVIEWABLE:
        return False
    lead = case.bundle_case.bundle.lead_department_id if case.bundle_case else case.department_id
    running = case.joint_reviews.exclude(state=JointReviewState.DECIDED).exists()
    return user.department_id == lead and not running
