"""Admin for people, departments, enterprises and device identities."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tongban.accounts.models import Department, DeviceIdentity, Enterprise, RoleGrant, User
from tongban.core.masking import mask_id_number, mask_phone


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
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
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "code", "short_name", "region_code", "order"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin[Enterprise]):
    list_display = ["name", "uscc", "legal_representative"]
    search_fields = ["name", "uscc"]


@admin.register(DeviceIdentity)
class DeviceIdentityAdmin(admin.ModelAdmin[DeviceIdentity]):
    list_display = ["name", "kind", "location", "key_id", "revoked_at", "last_seen_at"]
    readonly_fields = ["key_id", "key_hash", "created_at", "revoked_at", "last_seen_at"]
