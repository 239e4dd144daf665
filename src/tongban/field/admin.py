"""The admin shows inspections and visits read-only: they change only through their
services, each step in the audit chain."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.field.models import FieldVisit, Inspection


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnly, admin.ModelAdmin[Inspection]):
    list_display = ["case", "department", "round", "state", "due", "warning"]
    list_filter = ["state", "warning", "department"]


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnly, admin.ModelAdmin[FieldVisit]):
    list_display = ["address", "state", "starts_at"]
    list_filter = ["state"]
