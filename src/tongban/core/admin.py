"""Admin for the calendar (editable for years chinesecalendar does not cover) and the audit log."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import AuditedModelAdmin, ReadOnlyAdmin
from tongban.core.models import AuditRecord, CalendarYear, Holiday


class HolidayInline(admin.TabularInline[Holiday, CalendarYear]):
    model = Holiday
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin[CalendarYear]):
    list_display = ["year", "source", "notice", "updated_at"]
    inlines = [HolidayInline]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin[AuditRecord]):
    list_display = ["pk", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_label", "request_id"]
