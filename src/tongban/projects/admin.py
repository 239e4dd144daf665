"""Projects and outreach days in the admin, read-only: they change through their services."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import ReadOnlyAdmin
from tongban.projects.models import OutreachEvent, Project


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin[Project]):
    list_display = ["code", "name", "enterprise", "agent", "state", "done_on"]
    list_filter = ["state"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(ReadOnlyAdmin[OutreachEvent]):
    list_display = ["held_on", "name", "place", "people_served"]
