"""Admin for the calendar (editable for years chinesecalendar does not cover) and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.core.admin_audit import AuditedModelAdmin
from tongban.core.models import AuditRecord, CalendarYear, Holiday


class HolidayInline(admin.TabularInline[Holiday, CalendarYear]):
    model = Holiday
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin[CalendarYear]):
    list_display = ["year", "source", "notice", "updated_at"]
    inlines = [HolidayInline]


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_label", "request_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
