"""A ModelAdmin base that writes every admin change into the audit chain."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from tongban.core.audit import audit_log
from tongban.core.masking import MASKERS

M = TypeVar("M", bound=models.Model)

# Fields whose values never enter the audit log in clear.
MASKED_FIELDS = {"id_number": "id_number", "phone": "phone"}
SECRET_FIELDS = {"password", "key_hash", "secret"}


def _shown(name: str, value: Any) -> Any:
    if name in SECRET_FIELDS:
        return "***"
    if name in MASKED_FIELDS and isinstance(value, str):
        return MASKERS[MASKED_FIELDS[name]](value)
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


class AuditedModelAdmin(admin.ModelAdmin[M]):
    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        old = {}
        if change and obj.pk is not None:
            before = type(obj)._default_manager.filter(pk=obj.pk).first()
            if before is not None:
                old = {name: getattr(before, name, None) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        audit_log(
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            changes={
                name: [_shown(name, old.get(name)), _shown(name, form.cleaned_data.get(name))]
                for name in form.changed_data
            },
        )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        audit_log(action="admin.delete", obj=obj, changes={"object": [str(obj), None]})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_log(action="admin.delete", obj=obj, changes={"object": [str(obj), None]})
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_log(action="admin.row_add", obj=obj, changes={"row": [None, str(obj)]})
        for obj, fields in formset.changed_objects:
            audit_log(action="admin.row_change", obj=obj, changes={"fields": [None, fields]})
        for obj in formset.deleted_objects:
            audit_log(
                action="admin.row_delete",
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                changes={"row": [str(obj), None]},
            )


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    """Records that are written only by services (audit, grants, access logs): view only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
