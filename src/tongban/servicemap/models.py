"""Service points of the 15-minute service circle (15分钟政务服务圈): halls, street and
community stations, 24-hour self-service zones, kiosks and lockers. A hall, kiosk or locker
bank the platform already runs is the same object, linked, not copied: its name, address and
hours are read from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import DeviceIdentity
from tongban.delivery.models import LockerBank
from tongban.hall.models import Hall
from tongban.servicemap.city import the_city
from tongban.servicemap.hours import Hours, parse_hours

ALL_ITEMS = "*"


class ServicePoint(models.Model):
    class Kind(models.TextChoices):
        HALL = "hall", _("政务服务大厅")
        STREET = "street", _("街道（镇）便民服务中心")
        COMMUNITY = "community", _("社区（村）便民服务站")
        SELF_SERVICE = "self_service", _("24小时自助服务区")
        KIOSK = "kiosk", _("自助服务终端")
        LOCKER = "locker", _("智能信包箱")

    class Device(models.TextChoices):
        KIOSK = "kiosk", _("自助终端")
        LOCKER = "locker", _("信包箱")
        PRINTER = "printer", _("证照打印")
        ID_READER = "id_reader", _("身份证读卡器")
        QUEUE = "queue", _("排队叫号")

    code = models.SlugField("编码", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField(
        "名称", max_length=100, blank=True, help_text="关联大厅、终端或信包箱时取其名称"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    district = models.CharField("所在区县代码", max_length=6)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    # "24h", or {"days": "working"|"daily", "opens": "09:00", "closes": "17:00"}; a linked
    # hall's are the hall's own.
    hours = models.JSONField("开放时间", default=dict, blank=True)
    # Basic codes of the items handled here, or ["*"] for every item.
    items = models.JSONField("可办事项", default=list, blank=True)
    devices = models.JSONField("设备", default=list, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True)
    hall = models.OneToOneField(
        Hall, on_delete=models.PROTECT, null=True, blank=True, related_name="service_point"
    )
    device = models.OneToOneField(
        DeviceIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_point",
        verbose_name="自助终端",
    )
    locker_bank = models.OneToOneField(
        LockerBank,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_point",
        verbose_name="信包箱",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "政务服务点"
        verbose_name_plural = "政务服务点"
        ordering = ["district", "kind", "code"]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        if self.hall_id and self.hall:
            return self.hall.name
        if self.locker_bank_id and self.locker_bank:
            return self.locker_bank.name
        if self.name:
            return self.name
        return self.device.name if self.device_id and self.device else self.code

    @property
    def shown_address(self) -> str:
        if self.address:
            return self.address
        if self.hall_id and self.hall:
            return self.hall.address
        if self.locker_bank_id and self.locker_bank:
            return self.locker_bank.place
        return self.device.location if self.device_id and self.device else ""

    @property
    def opening_hours(self) -> Hours:
        if self.hall_id and self.hall and not self.hours:
            return Hours(days="working", opens=self.hall.opens_at, closes=self.hall.closes_at)
        return parse_hours(self.hours)

    def clean(self) -> None:
        """A point is inside the city, in one of its districts, with hours people can read."""
        errors: dict[str, list[str]] = {}
        city = the_city()
        if city.district(self.district) is None:
            errors["district"] = [f"区县代码“{self.district}”不是{city.name}的区县"]
        if self.longitude is not None and self.latitude is not None:
            lng, lat = float(self.longitude), float(self.latitude)
            if not city.contains(lng, lat):
                errors["location"] = [f"坐标（{lng}, {lat}）不在{city.name}范围内"]
        if not (self.hall_id and not self.hours):
            try:
                parse_hours(self.hours)
            except ValueError as exc:
                errors["hours"] = [str(exc)]
        if not isinstance(self.items, list) or not all(isinstance(i, str) for i in self.items):
            errors["items"] = ['可办事项应为事项基本编码的列表（或 ["*"] 表示全部事项）']
        bad_devices = [d for d in self.devices or [] if d not in self.Device.values]
        if not isinstance(self.devices, list) or bad_devices:
            errors["devices"] = [f"未知的设备：{'、'.join(map(str, bad_devices))}"]
        if not self.name and not (self.hall_id or self.device_id or self.locker_bank_id):
            errors["name"] = ["未关联大厅、终端或信包箱的服务点须有名称"]
        if self.device_id and self.device and self.device.kind != DeviceIdentity.Kind.KIOSK:
            errors["device"] = ["只能关联自助取号终端"]
        if errors:
            raise ValidationError(errors)

    def handles(self, basic_code: str) -> bool:
        return ALL_ITEMS in self.items or basic_code in self.items

    def open_at(self, moment: dt.datetime) -> bool:
        return self.active and self.opening_hours.open_at(moment)

    @property
    def lng_lat(self) -> tuple[float, float]:
        return float(self.longitude), float(self.latitude)

    def as_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            **({"name": self.name} if self.name else {}),
            **({"address": self.address} if self.address else {}),
            "district": self.district,
            "location": [float(self.longitude), float(self.latitude)],
            **({"hours": self.hours} if self.hours else {}),
            "items": list(self.items),
            **({"devices": list(self.devices)} if self.devices else {}),
            **({"phone": self.phone} if self.phone else {}),
            **({"hall": self.hall.code} if self.hall_id and self.hall else {}),
            **({"device": self.device.name} if self.device_id and self.device else {}),
            **(
                {"locker_bank": self.locker_bank.code}
                if self.locker_bank_id and self.locker_bank
                else {}
            ),
            **({"active": False} if not self.active else {}),
        }
