"""Who may do what with ratings: the applicant (or their authorised agent) rates their own
case; the rated department handles its bad ratings and may appeal one; a hall manager or
administrator outside that department decides the appeal."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, is_hall_manager, role_predicate
from tongban.cases.rules import acts_for_applicant
from tongban.core.permissions import predicate, set_perm

is_department_staff = role_predicate(Role.CLERK, Role.REVIEWER, Role.HALL_MANAGER)
# Government staff who see bad-rating work (an agent, 帮办代办员, is staff of no department).
OFFICIALS = (
    Role.CLERK,
    Role.REVIEWER,
    Role.HALL_MANAGER,
    Role.DATA_STEWARD,
    Role.ADMINISTRATOR,
)


def _in_task_department(user: Any, task: Any) -> bool:
    """Staff of the judged department; for a task of no department, the hall's managers."""
    if not (user.is_authenticated and task is not None):
        return False
    if task.department_id is not None:
        return bool(user.department_id is not None and user.department_id == task.department_id)
    return bool(task.hall_id is not None and task.hall.managers.filter(pk=user.pk).exists())


def _outside_appeal_department(user: Any, appeal: Any) -> bool:
    return bool(
        user.is_authenticated and appeal is not None and user.department_id != appeal.department_id
    )


in_task_department = predicate(_in_task_department, name="in_task_department")
outside_appeal_department = predicate(_outside_appeal_department, name="outside_appeal_department")


def register() -> None:
    # A case is rated by whoever may act for its applicant (the rule reads the case).
    set_perm("ratings.rate_case", acts_for_applicant)
    set_perm("ratings.handle_task", (is_department_staff & in_task_department) | is_administrator)
    set_perm(
        "ratings.view_task",
        (is_department_staff & in_task_department) | is_hall_manager | is_administrator,
    )
    set_perm("ratings.appeal", is_department_staff & in_task_department)
    set_perm(
        "ratings.decide_appeal",
        (is_hall_manager | is_administrator) & outside_appeal_department,
    )
    set_perm("ratings.manage_pads", is_hall_manager | is_administrator)
