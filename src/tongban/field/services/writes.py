"""Writes from the inspectors' phones, each once. Every write names itself with an id the
phone made (`client_id`, a UUID). The phone keeps a write until the platform has answered it,
and sends it again after a dropped connection; a write whose id is already on record changes
nothing and answers as the first did (`write_once`). Each write locks its visit, so a
conclusion never races an entry."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongban.accounts.models import User
from tongban.core.errors import Conflict
from tongban.field.models import (
    FieldVisit,
    FieldWrite,
    Inspection,
)

NOTE_MAX = 500
PHOTO_MAX_BYTES = 10 * 1024 * 1024
SIGNATURE_MAX_BYTES = 512 * 1024
RECTIFY_DAYS_MAX = 60
# A phone's clock may be off; a photo is refused only when its time is far from the visit.
CLOCK_SLACK = dt.timedelta(hours=12)

T = TypeVar("T")


@dataclass(frozen=True)
class Written:
    """A write's answer: what it made, and whether it was made now or on an earlier send."""

    kind: str
    object_id: str
    replayed: bool


def _client_id(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError({"client_id": ["写入编号（client_id）应为手机生成的UUID"]}) from exc


def _earlier(client_id: uuid.UUID, visit: FieldVisit, kind: str, actor: User) -> Written | None:
    earlier = FieldWrite.objects.filter(pk=client_id).first()
    if earlier is None:
        return None
    if earlier.visit_id != visit.pk or earlier.kind != kind or earlier.actor_id != actor.pk:
        raise Conflict("该写入编号已被另一条记录使用")
    return Written(kind=kind, object_id=earlier.object_id, replayed=True)


def write_once(
    *,
    client_id: Any,
    visit: FieldVisit,
    kind: str,
    actor: User,
    write: Callable[[FieldVisit, FieldWrite], str],
    states: tuple[str, ...] = (FieldVisit.State.SCHEDULED,),
) -> Written:
    """Run `write` once per client id: claim the id, lock the visit, write, record what was
    made. A second send of the same id (even concurrent with the first) answers the first."""
    cid = _client_id(client_id)
    replay = _earlier(cid, visit, kind, actor)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            record = FieldWrite.objects.create(client_id=cid, visit=visit, kind=kind, actor=actor)
            locked = FieldVisit.objects.select_for_update().get(pk=visit.pk)
            if not actor.has_perm("field.work_visit", locked):
                raise PermissionDenied("您不是该现场核查的指派人员")
            if locked.state not in states:
                raise Conflict(f"该现场核查{locked.get_state_display()}，不能记录")
            record.object_id = write(locked, record)
            record.save(update_fields=["object_id", "case_material"])
            return Written(kind=kind, object_id=record.object_id, replayed=False)
    except IntegrityError:
        replay = _earlier(cid, visit, kind, actor)
        if replay is None:
            raise
        return replay


def text_of(value: Any, field: str, label: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [f"请填写{label}"]})
    if len(text) > NOTE_MAX:
        raise ValidationError({field: [f"{label}不能超过{NOTE_MAX}字"]})
    return text


def inspection_on(visit: FieldVisit, inspection_id: Any) -> Inspection:
    try:
        pk = int(inspection_id)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"inspection_id": ["请指明核查事项"]}) from exc
    inspection = visit.inspections.select_related("case", "visit").filter(pk=pk).first()
    if inspection is None:
        raise ValidationError({"inspection_id": ["该核查不在本次上门核查中"]})
    return inspection


def check_of(inspection: Inspection, code: Any) -> dict[str, Any]:
    check: dict[str, Any] | None = next(
        (c for c in inspection.checklist if c["code"] == code), None
    )
    if check is None:
        raise ValidationError({"code": [f"核查表中没有“{code}”这一项"]})
    return check


def still_open(inspection: Inspection) -> None:
    if inspection.state != Inspection.State.OPEN:
        raise Conflict(f"该核查已{inspection.get_state_display()}，不能再修改")
