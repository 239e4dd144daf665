"""Projects and outreach days in the admin, read-only: they change through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.projects.models import OutreachEvent, Project


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnly, admin.ModelAdmin[Project]):
    list_display = ["code", "name", "enterprise", "agent", "state", "done_on"]
    list_filter = ["state"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(ReadOnly, admin.ModelAdmin[OutreachEvent]):
    list_display = ["held_on", "name", "place", "people_served"]
