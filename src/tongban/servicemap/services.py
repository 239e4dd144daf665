"""Service points' writes: import and export as YAML (all or nothing, every problem named by
the point and the field), as the catalogue moves."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import DeviceIdentity
from tongban.core.audit import audit_log
from tongban.delivery.models import LockerBank
from tongban.hall.models import Hall
from tongban.servicemap.models import ServicePoint

FIELDS = ("kind", "name", "address", "district", "hours", "items", "devices", "phone")


def points_export() -> str:
    rows = [
        p.as_data() for p in ServicePoint.objects.select_related("hall", "device", "locker_bank")
    ]
    return yaml.safe_dump({"format": 1, "points": rows}, allow_unicode=True, sort_keys=False)


def _point(raw: Any, where: str) -> ServicePoint:
    if not isinstance(raw, dict) or not raw.get("code"):
        raise ValidationError({where: ["须有编码（code）"]})
    point = ServicePoint.objects.filter(code=str(raw["code"])).first() or ServicePoint(
        code=str(raw["code"])
    )
    for name in FIELDS:
        default: Any = [] if name in ("items", "devices") else {} if name == "hours" else ""
        setattr(point, name, raw.get(name, default))
    location = raw.get("location")
    try:
        lng, lat = (Decimal(str(v)) for v in location)  # type: ignore[union-attr]
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError({"location": ["坐标（location）应为 [经度, 纬度]"]}) from None
    point.longitude, point.latitude = (
        lng.quantize(Decimal("0.000001")),
        lat.quantize(Decimal("0.000001")),
    )
    point.active = bool(raw.get("active", True))
    point.hall = Hall.objects.filter(code=raw["hall"]).first() if raw.get("hall") else None
    if raw.get("hall") and point.hall is None:
        raise ValidationError({"hall": [f"大厅“{raw['hall']}”不存在"]})
    point.device = (
        DeviceIdentity.objects.filter(name=raw["device"]).first() if raw.get("device") else None
    )
    if raw.get("device") and point.device is None:
        raise ValidationError({"device": [f"终端“{raw['device']}”不存在"]})
    point.locker_bank = (
        LockerBank.objects.filter(code=raw["locker_bank"]).first()
        if raw.get("locker_bank")
        else None
    )
    if raw.get("locker_bank") and point.locker_bank is None:
        raise ValidationError({"locker_bank": [f"信包箱“{raw['locker_bank']}”不存在"]})
    point.full_clean(exclude=["hall", "device", "locker_bank"])
    return point


@transaction.atomic
def points_import(text: str) -> int:
    """Create or update each point a YAML file lists, by its code; nothing is written unless
    every point passes. Returns how many were written."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError({"points": [f"YAML 格式错误：{exc}"]}) from exc
    rows = doc.get("points") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise ValidationError({"points": ["应有服务点列表（points）"]})
    errors: list[str] = []
    points = []
    for n, raw in enumerate(rows, start=1):
        label = f"第{n}个服务点" + (f"（{raw.get('code')}）" if isinstance(raw, dict) else "")
        try:
            points.append(_point(raw, "code"))
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                errors.extend(f"{label} {field}：{p}" for p in problems)
    if errors:
        raise ValidationError({"points": errors})
    for point in points:
        created = point.pk is None
        point.save()
        audit_log(
            action="servicemap.point_import",
            obj=point,
            changes={"point": [None if created else "updated", point.as_data()]},
        )
    return len(points)
