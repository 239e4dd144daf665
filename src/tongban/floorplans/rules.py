"""Who may do what with a floor plan: the person who drew it edits it and attaches it; whoever
may see the application it is attached to sees it; the staff who accept or review that
application comment on it and ask for a correction."""

from __future__ import annotations

from typing import Any

from tongban.core.permissions import predicate, set_perm


def _owns(user: Any, plan: Any) -> bool:
    return bool(user.is_authenticated and plan is not None and plan.owner_id == user.pk)


def _sees_case(user: Any, plan: Any) -> bool:
    return bool(
        user.is_authenticated
        and plan is not None
        and plan.case_id is not None
        and user.has_perm("cases.view_case", plan.case)
    )


def _handles_case(user: Any, plan: Any) -> bool:
    if not (user.is_authenticated and plan is not None and plan.case_id is not None):
        return False
    return bool(
        user.has_perm("cases.review_case", plan.case)
        or user.has_perm("cases.accept_case", plan.case)
    )


owns = predicate(_owns, name="owns_plan")
sees_case = predicate(_sees_case, name="sees_plan_case")
handles_case = predicate(_handles_case, name="handles_plan_case")


def register() -> None:
    set_perm("floorplans.view_plan", owns | sees_case)
    set_perm("floorplans.edit_plan", owns)
    set_perm("floorplans.comment_plan", handles_case)
