"""Who may do what to a case: the applicant, their authorised agent, any comprehensive-window
clerk (只进一扇门), the handling department's reviewers, hall managers and administrators."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, is_hall_manager, role_predicate
from tongban.core.permissions import predicate, set_perm

is_clerk = role_predicate(Role.CLERK)
is_reviewer = role_predicate(Role.REVIEWER)


def _is_applicant(user: Any, case: Any) -> bool:
    return bool(user.is_authenticated and case is not None and case.applicant_id == user.pk)


def _is_authorised_agent(user: Any, case: Any) -> bool:
    if not (user.is_authenticated and case is not None and user.has_role(Role.AGENT)):
        return False
    from tongban.cases.selectors import delegation_active

    return (
        delegation_active(
            applicant_id=case.applicant_id,
            agent_id=user.pk,
            item_code=case.item.code,
            enterprise_id=case.enterprise_id,
        )
        is not None
    )


def _in_case_department(user: Any, case: Any) -> bool:
    return bool(
        user.is_authenticated
        and case is not None
        and user.department_id is not None
        and user.department_id == case.department_id
    )


def _leads_joint_review(user: Any, case: Any) -> bool:
    """The lead department's reviewer of a closed joint review over this case (one decision)."""
    if not (user.is_authenticated and case is not None and user.department_id is not None):
        return False
    from tongban.cases.joint.models import JointReview, JointReviewState

    return bool(
        JointReview.objects.filter(
            cases=case, lead_department_id=user.department_id, state=JointReviewState.CLOSED
        ).exists()
    )


def _leads_bundle(user: Any, case: Any) -> bool:
    """The lead department of the 一件事 this case belongs to (it coordinates every part)."""
    if not (user.is_authenticated and case is not None and user.department_id is not None):
        return False
    if case.bundle_case_id is None:
        return False
    return bool(case.bundle_case.bundle.lead_department_id == user.department_id)


is_applicant = predicate(_is_applicant, name="is_applicant")
leads_bundle = predicate(_leads_bundle, name="leads_bundle")
leads_joint_review = predicate(_leads_joint_review, name="leads_joint_review")
is_authorised_agent = predicate(_is_authorised_agent, name="is_authorised_agent")
in_case_department = predicate(_in_case_department, name="in_case_department")
department_reviewer = is_reviewer & in_case_department
acts_for_applicant = is_applicant | is_authorised_agent


def register() -> None:
    set_perm(
        "cases.view_case",
        acts_for_applicant
        | is_clerk
        | department_reviewer
        | (is_reviewer & leads_bundle)
        | is_hall_manager
        | is_administrator,
    )
    set_perm("cases.act_as_applicant", acts_for_applicant)
    set_perm("cases.accept_case", is_clerk | department_reviewer | is_administrator)
    set_perm("cases.review_case", department_reviewer | is_administrator)
    set_perm(
        "cases.decide_case",
        department_reviewer | (is_reviewer & leads_joint_review) | is_administrator,
    )
    set_perm("cases.approve_extension", department_reviewer | is_administrator)
    set_perm("cases.deliver_case", is_clerk | department_reviewer | is_administrator)
    set_perm("cases.terminate_case", department_reviewer | is_administrator)
    set_perm("cases.record_visit", is_clerk | department_reviewer | is_administrator)
    set_perm("cases.start_at_window", is_clerk | is_administrator)
