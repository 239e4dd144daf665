"""Admin for people, departments, enterprises and device identities."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from tongban.accounts.models import Department, DeviceIdentity, Enterprise, RoleGrant, User
from tongban.accounts.services import device_register, device_revoke
from tongban.core.admin_audit import AuditedModelAdmin
from tongban.core.masking import mask_id_number, mask_phone


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], BaseUserAdmin[User]):
    list_display = ["username", "real_name", "masked_id_number", "masked_phone", "department"]
    search_fields = ["username", "real_name"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("实名信息", {"fields": ("real_name", "id_number", "phone", "department")}),
    )

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj: User) -> str:
        return mask_id_number(obj.id_number or "")

    @admin.display(description="手机号码")
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin[Department]):
    list_display = ["name", "code", "short_name", "region_code", "order"]


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin[Enterprise]):
    list_display = ["name", "uscc", "legal_representative"]
    search_fields = ["name", "uscc"]


@admin.register(DeviceIdentity)
class DeviceIdentityAdmin(AuditedModelAdmin[DeviceIdentity]):
    """Devices are registered through the service, which issues the key and shows it once."""

    list_display = ["name", "kind", "location", "key_id", "revoked_at", "last_seen_at"]
    fields = ["kind", "name", "location", "key_id", "created_at", "revoked_at", "last_seen_at"]
    readonly_fields = ["key_id", "created_at", "revoked_at", "last_seen_at"]
    actions = ["revoke"]

    def save_model(
        self, request: HttpRequest, obj: DeviceIdentity, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = device_register(kind=obj.kind, name=obj.name, location=obj.location)
        obj.pk = issued.device.pk
        obj.key_id = issued.device.key_id
        self.message_user(
            request,
            f"设备密钥（仅显示这一次，请立即配置到设备上）：{issued.api_key}",
            messages.WARNING,
        )

    @admin.action(description="吊销密钥 / revoke key")
    def revoke(self, request: HttpRequest, queryset: QuerySet[DeviceIdentity]) -> None:
        for device in queryset:
            device_revoke(device=device)
