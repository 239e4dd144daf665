"""送证上门: results taken to the applicant by staff. A result made for door delivery goes on
the next working day's run sheet (a 一件事's results together, once all are made); the
staff member hands it over against the recipient's signature and a photo, on a phone."""

from __future__ import annotations

import base64
import binascii
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.cases.services.lifecycle import case_delivery_confirm
from tongban.catalog.models import DeliveryMode
from tongban.core.audit import audit_log
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.core.uploads import upload_problem
from tongban.delivery.models import Delivery, DoorHandover, Where, where_noted
from tongban.notify.services import notify

CAUSE = "delivery.door"
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def door_schedule(case: Case) -> DoorHandover | None:
    """Put the case's result (with its 一件事's others, once all are made) on the next
    working day's run sheet; called when a result for door delivery is made."""
    own = Delivery.objects.get(case=case)
    together = [own]
    if own.group:
        together = list(
            Delivery.objects.select_related("case")
            .filter(group=own.group, mode=DeliveryMode.DOOR)
            .exclude(
                case__state__in=[CaseState.WITHDRAWN, CaseState.TERMINATED, CaseState.REJECTED]
            )
        )
        if any(d.case.state not in (CaseState.RESULT_READY,) and d.pk != own.pk for d in together):
            return None  # the last result made schedules them all
    day = add_working_days(timezone.localdate(), 1)
    handover = DoorHandover.objects.create(case=case, day=day)
    Delivery.objects.filter(pk__in=[d.pk for d in together]).update(
        handover=handover,
        where=Where.OUT_FOR_DOOR,
        **where_noted(
            said(gettext_noop("已安排{month}月{day}日送证上门"), month=day.month, day=day.day)
        ),
    )
    notify(
        recipients=[case.applicant],
        subject=f"送证上门已安排：{day:%m月%d日}",
        body=f"您的办理结果将于{day:%Y年%m月%d日}由工作人员送到您登记的地址，请保持电话畅通。",
        ref=f"case:{case.pk}",
    )
    audit_log(action="delivery.door_schedule", obj=handover, changes={"day": [None, day]})
    return handover


def _signature_file(data_url: str) -> ContentFile[bytes]:
    head, _, body = data_url.partition(",")
    if head != "data:image/png;base64" or not body:
        raise ValidationError({"signature": ["请收件人在屏幕上签名"]})
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": ["签名图像无法读取，请重新签名"]}) from None
    if len(raw) > MAX_SIGNATURE_BYTES or upload_problem(io.BytesIO(raw)):
        raise ValidationError({"signature": ["签名图像无法读取，请重新签名"]})
    return ContentFile(raw, name="signature.png")


def _photo_file(photo: UploadedFile | None) -> UploadedFile:
    if photo is None:
        raise ValidationError({"photo": ["请拍摄交付现场照片"]})
    if (photo.size or 0) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": ["照片不能超过10MB"]})
    problem = upload_problem(photo.file) if photo.file is not None else "文件为空"
    if problem:
        raise ValidationError({"photo": [f"照片：{problem}"]})
    return photo


def _locked(handover_id: int, actor: User) -> DoorHandover:
    handover = (
        DoorHandover.objects.select_for_update(of=("self",))
        .select_related("case__item", "case__applicant", "case__department")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None or not actor.has_perm("cases.deliver_case", handover.case):
        raise PermissionDenied("无权办理该送证上门")
    if handover.state != DoorHandover.State.SCHEDULED:
        raise Conflict(f"该送证上门已{handover.get_state_display()}")
    return handover


@transaction.atomic
def door_handover_done(
    *, handover_id: int, actor: User, signature: str, photo: UploadedFile | None
) -> DoorHandover:
    """Handed over: the signature and the photo are kept, and each case is delivered."""
    handover = _locked(handover_id, actor)
    signed = _signature_file(signature)
    picture = _photo_file(photo)
    handover.signature.save(f"handover-{handover.pk}.png", signed, save=False)
    handover.photo.save(f"handover-{handover.pk}{_suffix(picture)}", picture, save=False)
    handover.state = DoorHandover.State.DELIVERED
    handover.courier = actor
    handover.done_at = timezone.now()
    handover.save()
    for delivery in handover.deliveries.select_related("case"):
        Delivery.objects.filter(pk=delivery.pk).update(
            where=Where.DELIVERED,
            **where_noted(said(gettext_noop("已送证上门，收件人签收"))),
            delivered_at=handover.done_at,
        )
        if delivery.case.state == CaseState.RESULT_READY:
            case_delivery_confirm(
                case=delivery.case,
                mode=DeliveryMode.DOOR,
                cause=CAUSE,
                note=said(gettext_noop("送证上门，收件人已签收")),
            )
    audit_log(
        action="delivery.door_handover",
        obj=handover,
        changes={"state": [DoorHandover.State.SCHEDULED, handover.state], "by": [None, actor.pk]},
    )
    return handover


def _suffix(upload: UploadedFile) -> str:
    name = (upload.name or "").lower()
    return ".png" if name.endswith(".png") else ".jpg"


@transaction.atomic
def door_handover_failed(*, handover_id: int, actor: User, reason: str) -> DoorHandover:
    """Nobody there, or refused: the result comes back to the counter and the applicant is told."""
    text = reason.strip()[:200]
    if not text:
        raise ValidationError({"reason": ["请填写未能送达的原因"]})
    handover = _locked(handover_id, actor)
    handover.state = DoorHandover.State.FAILED
    handover.courier = actor
    handover.note = text
    handover.done_at = timezone.now()
    handover.save()
    case = handover.case
    counter = said(gettext_noop("{department}窗口"), department=case.department)
    Delivery.objects.filter(handover=handover).update(
        where=Where.AT_COUNTER,
        **where_noted(
            said(
                gettext_noop("送证上门未成功（{reason}），已带回{counter}"),
                reason=text,
                counter=counter,
            )
        ),
    )
    case_event(
        case,
        actor=actor,
        action="door_failed",
        note=said(
            gettext_noop("送证上门未成功：{reason}，结果已带回{counter}"),
            reason=text,
            counter=counter,
        ),
    )
    notify(
        recipients=[case.applicant],
        subject="送证上门未成功",
        body=f"工作人员今天未能将您的“{case.item.name}”办理结果送达（{text}），结果已带回{counter}。请联系窗口另约时间或到窗口领取。",
        ref=f"case:{case.pk}",
    )
    audit_log(action="delivery.door_failed", obj=handover, changes={"reason": [None, text]})
    return handover
