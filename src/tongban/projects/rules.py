"""Who sees a project: its agent, the enterprise's people who gave the mandate, and the
hall's managers and administrators (who follow the city's projects). Agents start projects
only under a mandate they hold. Outreach events are recorded by hall managers and staff."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, is_hall_manager, role_predicate
from tongban.core.permissions import predicate, set_perm

is_agent = role_predicate(Role.AGENT)
is_staff = role_predicate(Role.CLERK, Role.REVIEWER, Role.HALL_MANAGER, Role.ADMINISTRATOR)


def _carries(user: Any, project: Any) -> bool:
    return bool(user.is_authenticated and project is not None and project.agent_id == user.pk)


def _owns(user: Any, project: Any) -> bool:
    if not (user.is_authenticated and project is not None):
        return False
    return bool(
        project.applicant_id == user.pk or project.enterprise.members.filter(pk=user.pk).exists()
    )


carries = predicate(_carries, name="carries_project")
owns = predicate(_owns, name="owns_project")


def register() -> None:
    set_perm("projects.view_project", carries | owns | is_hall_manager | is_administrator)
    set_perm("projects.start_project", is_agent)
    set_perm("projects.record_outreach", is_staff)
