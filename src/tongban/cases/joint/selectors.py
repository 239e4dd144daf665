"""Reads on joint reviews shared by the pages."""

from __future__ import annotations

from django.http import Http404

from tongban.accounts.models import Department, Role, User
from tongban.cases.joint.models import JointReview
from tongban.cases.joint.services import REVIEWABLE
from tongban.cases.models import Case


def joint_agenda(case: Case) -> list[Case]:
    """What a joint review convened from `case` may take up: the case, or every part of its
    一件事 that is under review."""
    if case.bundle_case_id is None:
        return [case]
    return list(
        Case.objects.filter(bundle_case_id=case.bundle_case_id, state__in=REVIEWABLE)
        .select_related("item", "department")
        .order_by("pk")
    )


def departments_all() -> list[Department]:
    return list(Department.objects.order_by("order", "pk"))


def access_joint_review(user: User, review_id: int) -> JointReview:
    """The review if `user` is a reviewer of a department on its form, or an administrator;
    404 otherwise."""
    review = (
        JointReview.objects.select_related("lead_department", "bundle_case__bundle")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("联合审查不存在")
    involved = (
        user.department_id is not None
        and review.opinions.filter(department_id=user.department_id).exists()
    )
    if not (user.has_role(Role.ADMINISTRATOR) or (user.has_role(Role.REVIEWER) and involved)):
        raise Http404("联合审查不存在")
    return review
