"""Hall set-up in the admin: halls with their categories and windows, devices' places; the
tickets, appointments and events are records, read-only here."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import AuditedModelAdmin, ReadOnlyAdmin
from tongban.hall.models import (
    Appointment,
    Hall,
    HallDevice,
    HallEvent,
    KioskPrinter,
    PrintJob,
    QueueCategory,
    Ticket,
    Window,
)


class CategoryInline(admin.TabularInline[QueueCategory, Hall]):
    model = QueueCategory
    extra = 0
    fields = (
        "letter",
        "name",
        "description",
        "item_codes",
        "default_service_minutes",
        "appointment_capacity",
        "order",
        "active",
    )


class WindowInline(admin.TabularInline[Window, Hall]):
    model = Window
    extra = 0
    fields = ("number", "name", "categories", "active")


@admin.register(Hall)
class HallAdmin(AuditedModelAdmin[Hall]):
    list_display = ("name", "code", "opens_at", "closes_at", "wait_target_minutes", "active")
    filter_horizontal = ("staff", "managers")
    inlines = (CategoryInline, WindowInline)


@admin.register(HallDevice)
class HallDeviceAdmin(AuditedModelAdmin[HallDevice]):
    list_display = ("device", "hall")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin[Ticket]):
    list_display = ("number", "hall", "category", "day", "status", "source", "priority")
    list_filter = ("hall", "status", "source", "day")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin[Appointment]):
    list_display = ("slot", "status", "created_at")
    list_filter = ("status", "day")


@admin.register(HallEvent)
class HallEventAdmin(ReadOnlyAdmin[HallEvent]):
    list_display = ("at", "hall", "kind", "ticket", "window")
    list_filter = ("hall", "kind")


@admin.register(KioskPrinter)
class KioskPrinterAdmin(AuditedModelAdmin[KioskPrinter]):
    list_display = ("device", "role", "driver", "active")
    list_filter = ("role", "driver", "active")


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyAdmin[PrintJob]):
    list_display = ("created_at", "printer", "kind", "title", "status", "error")
    list_filter = ("kind", "status")
