"""Admin for the calendar (editable for years chinesecalendar does not cover) and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.core.audit import audit_log, changes_between
from tongban.core.models import AuditRecord, CalendarYear, Holiday


class HolidayInline(admin.TabularInline[Holiday, CalendarYear]):
    model = Holiday
    extra = 3


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    list_display = ["year", "source", "notice", "updated_at"]
    inlines = [HolidayInline]

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            action="calendar.year_edit",
            obj=obj,
            changes=changes_between(None, {"source": obj.source, "notice": obj.notice}),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for changed in formset.new_objects + [pair[0] for pair in formset.changed_objects]:
            audit_log(
                action="calendar.day_set",
                obj=changed,
                changes={"date": [None, changed.date], "kind": [None, changed.kind]},
            )
        for removed in formset.deleted_objects:
            audit_log(
                action="calendar.day_delete",
                object_type="core.holiday",
                object_id=str(removed.date),
                changes={"kind": [removed.kind, None]},
            )


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
