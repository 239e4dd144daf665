"""Administrators edit an item draft's form as JSON, checked against the item (situations,
materials, prefill sources) on save, with the rendered form as a preview underneath."""

from __future__ import annotations

import json
from typing import Any

from django import forms as django_forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import default_choices
from tongban.core.admin_audit import AuditedModelAdmin
from tongban.forms.models import FilledForm, ItemForm
from tongban.forms.prefill import prefill_catalogue
from tongban.forms.schema import SchemaError
from tongban.forms.services import form_schema_check
from tongban.forms.webform import form_rows


class ItemFormForm(django_forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ItemForm
        fields = ["form"]
        widgets = {
            "form": django_forms.Textarea(attrs={"rows": 30, "cols": 110, "spellcheck": "false"})
        }

    def clean_form(self) -> Any:
        raw = self.cleaned_data["form"]
        try:
            form_schema_check(self.instance, raw)
        except SchemaError as exc:
            raise django_forms.ValidationError(exc.problems) from exc
        return raw


@admin.register(ItemForm)
class ItemFormAdmin(AuditedModelAdmin[ItemForm]):
    form = ItemFormForm
    list_display = ["name", "code", "version", "state", "department", "has_form"]
    list_filter = ["state", "department"]
    search_fields = ["name", "code"]
    readonly_fields = ["name", "code", "version", "state", "preview", "sources"]
    fields = ["name", "code", "version", "state", "form", "preview", "sources"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items are created in the catalogue; their forms are edited here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state != ServiceItem.State.DRAFT:
            return False  # a published version is frozen: make a new draft in 事项
        return super().has_change_permission(request, obj)

    @admin.display(boolean=True, description="有表单")
    def has_form(self, obj: ItemForm) -> bool:
        return bool(obj.form)

    @admin.display(description="预览 / preview")
    def preview(self, obj: ItemForm) -> SafeString:
        try:
            schema = form_schema_check(obj, obj.form)
        except SchemaError as exc:
            return format_html_join("", "<p class='errornote'>{}</p>", ((p,) for p in exc.problems))
        sections = form_rows(schema, {}, default_choices(obj))
        html = render_to_string("forms/_fields.html", {"sections": sections})
        return mark_safe(f'<div class="form-preview">{html}</div>')  # noqa: S308 — our template

    @admin.display(description="可用的预填来源 / prefill sources")
    def sources(self, obj: ItemForm) -> SafeString:
        rows = [
            (f"{name}.{key}", label, source_label, needs)
            for name, source_label, needs, keys in prefill_catalogue()
            for key, label in keys
        ]
        return format_html_join("", "<div><code>{}</code> {}（{}：{}）</div>", rows)


@admin.register(FilledForm)
class FilledFormAdmin(admin.ModelAdmin[FilledForm]):
    """Read-only: kept for the window, then purged; reads are through the audited API."""

    list_display = ["reference", "item", "device", "created_at"]
    fields = ["reference", "item", "device", "created_at", "field_names"]
    readonly_fields = ["reference", "item", "device", "created_at", "field_names"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="已填字段（不显示内容）")
    def field_names(self, obj: FilledForm) -> str:
        return json.dumps(sorted(obj.data), ensure_ascii=False)
