"""Reads of projects, each checked against who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tongban.accounts.models import Delegation, Role, User
from tongban.projects.models import Project


def project_for(user: User, project_id: int) -> Project:
    """A project the user may see; anything else is 'not found'."""
    project = (
        Project.objects.select_related("enterprise", "agent", "bundle_case__bundle")
        .filter(pk=project_id)
        .first()
    )
    if project is None or not user.has_perm("projects.view_project", project):
        raise Http404("项目不存在")
    return project


def projects_visible(user: User) -> QuerySet[Project]:
    projects = Project.objects.select_related("enterprise", "agent").order_by("-created_at")
    if user.has_role(Role.HALL_MANAGER, Role.ADMINISTRATOR):
        return projects
    return projects.filter(Q(agent=user) | Q(enterprise__members=user)).distinct()


def mandates_held(user: User) -> QuerySet[Delegation]:
    """The agent's enterprise mandates in force: what a project can be started under."""
    now = timezone.now()
    return (
        Delegation.objects.filter(
            agent=user,
            enterprise__isnull=False,
            revoked_at__isnull=True,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .select_related("enterprise", "applicant")
        .order_by("-valid_until")
    )
