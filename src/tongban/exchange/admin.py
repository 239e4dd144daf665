"""Admin for the resource catalog, remote peers and the built-in registries; grants and access
records are read-only here (grants change through the steward's console, which audits)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.core.admin_audit import AuditedModelAdmin
from tongban.exchange.models import (
    AccessGrant,
    AccessLog,
    DataResource,
    ExchangePeer,
    RegistryRecord,
    ResourceField,
)


class ResourceFieldInline(admin.TabularInline[ResourceField, DataResource]):
    model = ResourceField
    extra = 0


@admin.register(DataResource)
class DataResourceAdmin(AuditedModelAdmin[DataResource]):
    list_display = ["code", "name", "kind", "provider", "sharing_class", "subject_kind", "active"]
    list_filter = ["kind", "sharing_class", "provider", "active"]
    search_fields = ["code", "name"]
    inlines = [ResourceFieldInline]


@admin.register(ExchangePeer)
class ExchangePeerAdmin(AuditedModelAdmin[ExchangePeer]):
    list_display = ["key_id", "name", "department", "active"]


@admin.register(RegistryRecord)
class RegistryRecordAdmin(AuditedModelAdmin[RegistryRecord]):
    list_display = ["resource", "updated_at"]
    list_filter = ["resource"]


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ["resource", "consumer", "state", "valid_until", "requested_at"]
    list_filter = ["state", "consumer"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "consumer", "resource", "case_label", "result"]
    list_filter = ["result", "consumer", "resource"]
