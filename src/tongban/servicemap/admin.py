from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import AuditedModelAdmin
from tongban.servicemap.models import ServicePoint


@admin.register(ServicePoint)
class ServicePointAdmin(AuditedModelAdmin[ServicePoint]):
    """政务服务点: checked on save (inside the city, in one of its districts, with hours)."""

    list_display = ["code", "kind", "name", "district", "active"]
    list_filter = ["kind", "district", "active"]
    search_fields = ["code", "name", "address"]
