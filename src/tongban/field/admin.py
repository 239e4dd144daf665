"""The admin shows inspections and visits read-only: they change only through their
services, each step in the audit chain."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import ReadOnlyAdmin
from tongban.field.models import FieldVisit, Inspection


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin[Inspection]):
    list_display = ["case", "department", "round", "state", "due", "warning"]
    list_filter = ["state", "warning", "department"]


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin[FieldVisit]):
    list_display = ["address", "state", "starts_at"]
    list_filter = ["state"]
