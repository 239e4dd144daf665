"""Plans drawn at a hall's kiosk (自助填单绘图机). The kiosk has no personal account: the plan
is the kiosk session's while it is drawn, then printed with a 取图码 (claim code). Whoever signs
in online with that code takes the plan as theirs, once, within 30 days, and attaches it to
their application like any other. Only the code's digest is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity, User
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.floorplans.checker import jurisdiction
from tongban.floorplans.models import FloorPlan, PlanRevision
from tongban.floorplans.services import (
    _record,
    default_jurisdiction,
    plan_checked,
    revision_save,
)
from tongban.floorplans.starters import STARTERS, starter

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
CLAIM_DAYS = 30


def _digest(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"floorplan-claim:{cleaned}".encode()).hexdigest()


@transaction.atomic
def kiosk_plan_create(*, device: DeviceIdentity, template: str) -> FloorPlan:
    if template not in STARTERS:
        raise ValidationError({"template": ["没有这一模板"]})
    code = default_jurisdiction()
    jurisdiction(code)
    parsed, result = plan_checked(starter(template, code))
    plan = FloorPlan.objects.create(owner=None, device=device, jurisdiction=code)
    _record(plan, parsed, result, None)
    audit_log(action="floorplan.kiosk.create", obj=plan, changes={"device": device.pk})
    return plan


def _kiosk_plan(plan_id: int, device: DeviceIdentity) -> FloorPlan:
    locked = FloorPlan.objects.select_for_update().filter(pk=plan_id).first()
    if locked is None or locked.owner_id is not None or locked.device_id != device.pk:
        raise Conflict("这张平面图已不在本机上")
    if locked.claim_digest:
        raise Conflict("这张平面图已完成并打印，请凭取图码在网上继续修改")
    return locked


@transaction.atomic
def kiosk_plan_save(
    *, plan_id: int, device: DeviceIdentity, data: object, base_revision: int
) -> PlanRevision:
    return revision_save(
        _kiosk_plan(plan_id, device), data=data, base_revision=base_revision, actor=None
    )


@transaction.atomic
def kiosk_plan_finish(*, plan_id: int, device: DeviceIdentity) -> tuple[FloorPlan, str]:
    """Close the kiosk's drawing: a fresh 取图码 for the printout (returned once, stored as a
    digest)."""
    locked = _kiosk_plan(plan_id, device)
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    locked.claim_digest = _digest(code)
    locked.claim_until = timezone.now() + dt.timedelta(days=CLAIM_DAYS)
    locked.save(update_fields=["claim_digest", "claim_until", "updated_at"])
    audit_log(action="floorplan.kiosk.finish", obj=locked, changes={"device": device.pk})
    return locked, code


@transaction.atomic
def plan_claim(*, user: User, code: str) -> FloorPlan:
    """The kiosk plan with this 取图码 becomes `user`'s. Unknown, used or expired: the same
    answer, so codes cannot be probed."""
    cleaned = "".join(ch for ch in (code or "") if ch.isalnum())
    if len(cleaned) != 8:
        raise ValidationError({"code": ["取图码为8位字母和数字，见自助机打印的平面图"]})
    plan = (
        FloorPlan.objects.select_for_update()
        .filter(
            claim_digest=_digest(cleaned),
            owner__isnull=True,
            claim_until__gt=timezone.now(),
        )
        .first()
    )
    if plan is None:
        raise ValidationError({"code": ["取图码无效或已过期"]})
    plan.owner = user
    plan.claim_digest = ""
    plan.claim_until = None
    plan.save(update_fields=["owner", "claim_digest", "claim_until", "updated_at"])
    audit_log(action="floorplan.claim", obj=plan, changes={"owner": user.pk})
    return plan
