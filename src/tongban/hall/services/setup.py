"""Setting a hall up: its categories and windows (the demo city, an import), and placing a
kiosk or display board in it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import DeviceIdentity, User
from tongban.core.audit import audit_log
from tongban.core.cache import cache_forget, cache_key
from tongban.hall.models import Hall, HallDevice, KioskPrinter, QueueCategory, Window
from tongban.hall.printers import print_drivers


@transaction.atomic
def hall_define(
    *,
    code: str,
    name: str,
    address: str,
    categories: Iterable[Mapping[str, Any]],
    windows: Iterable[Mapping[str, Any]],
    staff: Iterable[User] = (),
    managers: Iterable[User] = (),
    **attrs: Any,
) -> Hall:
    """Create or update a hall; categories by letter, windows by number with the letters
    they serve."""
    hall, created = Hall.objects.update_or_create(
        code=code, defaults={"name": name, "address": address, **attrs}
    )
    hall.full_clean()
    by_letter: dict[str, QueueCategory] = {}
    for order, spec in enumerate(categories):
        category, _ = QueueCategory.objects.update_or_create(
            hall=hall,
            letter=spec["letter"],
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                "item_codes": list(spec.get("item_codes", [])),
                "default_service_minutes": spec.get("default_service_minutes", 10),
                "appointment_capacity": spec.get("appointment_capacity", 2),
                "order": order,
                "active": True,
            },
        )
        category.full_clean()
        by_letter[category.letter] = category
    for spec in windows:
        letters = list(spec["categories"])
        if unknown := [x for x in letters if x not in by_letter]:
            raise ValidationError({"windows": [f"窗口{spec['number']}的类别不存在：{unknown}"]})
        window, _ = Window.objects.update_or_create(
            hall=hall,
            number=spec["number"],
            defaults={"name": spec.get("name", ""), "active": True},
        )
        window.categories.set([by_letter[x] for x in letters])
    cache_forget(cache_key("hall.by_code", code))
    cache_forget(cache_key("hall.categories", hall.pk))
    hall.staff.add(*staff)
    hall.managers.add(*managers)
    audit_log(
        action="hall.define",
        obj=hall,
        changes={"created": created, "categories": sorted(by_letter)},
    )
    return hall


@transaction.atomic
def hall_device_place(*, device: DeviceIdentity, hall: Hall) -> HallDevice:
    if device.kind not in (DeviceIdentity.Kind.KIOSK, DeviceIdentity.Kind.DISPLAY):
        raise ValidationError({"device": ["只有取号机和叫号屏可以放在大厅"]})
    post, _ = HallDevice.objects.update_or_create(device=device, defaults={"hall": hall})
    cache_forget(cache_key("hall.device", device.pk))
    audit_log(action="hall.device.place", obj=device, changes={"hall": [None, hall.code]})
    return post


@transaction.atomic
def kiosk_printer_set(
    *,
    device: DeviceIdentity,
    role: str,
    driver: str = "simulator",
    config: Mapping[str, Any] | None = None,
) -> KioskPrinter:
    """Give a kiosk a receipt or an A4 printer behind a print driver (`hall.printers`)."""
    if device.kind != DeviceIdentity.Kind.KIOSK:
        raise ValidationError({"device": ["只有自助机可以连接打印机"]})
    if role not in KioskPrinter.Role.values:
        raise ValidationError({"role": ["打印机用途应为小票（receipt）或A4（a4）"]})
    if driver not in print_drivers.names():
        raise ValidationError({"driver": [f"未知的打印驱动：{driver}"]})
    printer, _ = KioskPrinter.objects.update_or_create(
        device=device,
        role=role,
        defaults={"driver": driver, "driver_config": dict(config or {}), "active": True},
    )
    audit_log(action="hall.printer.set", obj=device, changes={role: [None, driver]})
    return printer
