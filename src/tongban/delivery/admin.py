from django.contrib import admin

from tongban.delivery.models import (
    Compartment,
    Delivery,
    DoorCycle,
    DoorHandover,
    LockerBank,
    LockerCredential,
    LockerParcel,
    Shipment,
)


class CompartmentInline(admin.TabularInline[Compartment, LockerBank]):
    model = Compartment
    extra = 0


@admin.register(LockerBank)
class LockerBankAdmin(admin.ModelAdmin[LockerBank]):
    list_display = ["name", "code", "place", "driver", "code_valid_days", "active"]
    inlines = [CompartmentInline]
    filter_horizontal = ["staff"]


@admin.register(LockerParcel)
class LockerParcelAdmin(admin.ModelAdmin[LockerParcel]):
    list_display = ["receipt", "kind", "compartment", "state", "deposited_at", "code_expires_at"]
    list_filter = ["kind", "state"]
    exclude = ["code_hash"]
    readonly_fields = ["case", "compartment", "reserved_by"]


@admin.register(LockerCredential)
class LockerCredentialAdmin(admin.ModelAdmin[LockerCredential]):
    list_display = ["number", "kind", "holder", "created_at", "revoked_at"]
    exclude = ["pin_hash"]
    readonly_fields = ["number", "holder", "kind"]


@admin.register(DoorCycle)
class DoorCycleAdmin(admin.ModelAdmin[DoorCycle]):
    list_display = ["compartment", "purpose", "outcome", "opened_at", "closed_at"]
    list_filter = ["purpose", "outcome"]


admin.site.register(Delivery)
admin.site.register(Shipment)
admin.site.register(DoorHandover)
