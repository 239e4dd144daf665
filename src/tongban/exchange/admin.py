"""Admin for the resource catalog, remote peers and the built-in registries; grants and access
records are read-only here (grants change through the steward's console, which audits)."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import AuditedModelAdmin, ReadOnlyAdmin
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


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin[AccessGrant]):
    list_display = ["resource", "consumer", "state", "valid_until", "requested_at"]
    list_filter = ["state", "consumer"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin[AccessLog]):
    list_display = ["at", "actor_label", "consumer", "resource", "case_label", "result"]
    list_filter = ["result", "consumer", "resource"]
