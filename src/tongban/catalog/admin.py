"""Admin for administrators: drafts are edited here; published versions are read-only."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from tongban.catalog.models import (
    Bundle,
    Condition,
    LegalBasis,
    LifeEvent,
    Material,
    MaterialKind,
    ServiceItem,
    Situation,
    SituationOption,
)
from tongban.catalog.services import item_new_draft, item_publish
from tongban.catalog.services.bundles import bundle_check
from tongban.core.admin_audit import AuditedModelAdmin


class _DraftOnlyInline:
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.state == ServiceItem.State.DRAFT

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class LegalBasisInline(_DraftOnlyInline, admin.TabularInline[LegalBasis, ServiceItem]):
    model = LegalBasis
    extra = 0


class ConditionInline(_DraftOnlyInline, admin.TabularInline[Condition, ServiceItem]):
    model = Condition
    extra = 0


class MaterialInline(_DraftOnlyInline, admin.TabularInline[Material, ServiceItem]):
    model = Material
    extra = 0
    fields = ["name", "requirement", "originals", "copies", "source", "source_ref", "order"]


class SituationInline(_DraftOnlyInline, admin.TabularInline[Situation, ServiceItem]):
    model = Situation
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedModelAdmin[ServiceItem]):
    list_display = [
        "name",
        "code",
        "version",
        "state",
        "department",
        "item_type",
        "legal_limit_days",
        "promised_limit_days",
        "visits_required",
    ]
    list_filter = ["state", "item_type", "audience", "department"]
    search_fields = ["name", "code"]
    inlines = [LegalBasisInline, ConditionInline, SituationInline, MaterialInline]
    actions = ["make_draft", "publish"]
    readonly_fields = ["version", "state", "previous", "published_at"]
    exclude = ["form"]  # edited, checked and previewed in 申请表单 (the forms app)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state != ServiceItem.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if obj.pk is None:
            obj.state = ServiceItem.State.DRAFT
        super().save_model(request, obj, form, change)

    @admin.action(description="创建新草稿 / new draft")
    def make_draft(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            draft = item_new_draft(item=item)
            self.message_user(request, f"{draft.name} 草稿 v{draft.version}")

    @admin.action(description="发布 / publish")
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        for item in queryset:
            try:
                item_publish(item=item)
            except ValidationError as exc:
                self.message_user(
                    request, f"{item.name}：{'；'.join(exc.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, f"{item.name} v{item.version} 已发布")


@admin.register(LifeEvent)
class LifeEventAdmin(AuditedModelAdmin[LifeEvent]):
    list_display = ["name", "code", "audience", "order"]


@admin.register(SituationOption)
class SituationOptionAdmin(AuditedModelAdmin[SituationOption]):
    list_display = ["label", "code", "situation"]


class BundleForm(django_forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Bundle
        fields = [
            "code",
            "name",
            "name_en",
            "aliases",
            "summary",
            "audience",
            "lead_department",
            "joint_review",
            "active",
            "definition",
        ]
        widgets = {"definition": django_forms.Textarea(attrs={"rows": 24, "cols": 100})}

    def clean_definition(self) -> Any:
        definition = self.cleaned_data["definition"]
        problems = bundle_check(definition)
        if problems:
            raise django_forms.ValidationError(problems)
        return definition


@admin.register(Bundle)
class BundleAdmin(AuditedModelAdmin[Bundle]):
    """一件事套餐: checked on save (unknown items, cycles, forgotten dependencies)."""

    form = BundleForm
    list_display = ["name", "code", "lead_department", "joint_review", "active"]


@admin.register(MaterialKind)
class MaterialKindAdmin(AuditedModelAdmin[MaterialKind]):
    list_display = ["code", "name", "trust"]
    search_fields = ["code", "name"]
