"""What the inspectors' phones write at the site: verdicts on the checklist, photos with
their time and place, signatures drawn on the screen, and materials collected on the spot;
each once (`writes.write_once`). The conclusion and the certification on the spot are in
`conclusion`."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.services.onsite import case_material_collect_on_site
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.uploads import sniff_file, upload_problem
from tongban.field.models import (
    FieldVisit,
    FieldWrite,
    InspectionEntry,
    InspectionPhoto,
    VisitSignature,
)
from tongban.field.services.writes import (
    CLOCK_SLACK,
    PHOTO_MAX_BYTES,
    SIGNATURE_MAX_BYTES,
    Written,
    check_of,
    inspection_on,
    still_open,
    text_of,
    write_once,
)

# --- the checklist ------------------------------------------------------------------------


def entry_record(
    *,
    actor: User,
    visit: FieldVisit,
    client_id: Any,
    inspection_id: Any,
    code: Any,
    verdict: Any,
    note: Any = "",
) -> Written:
    """One verdict on one check. Anything but 符合 or 不适用 says what was found."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = inspection_on(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        still_open(inspection)
        check = check_of(inspection, code)
        if verdict not in check["options"]:
            raise ValidationError(
                {"verdict": ["该核查项的结论只能是：" + "、".join(check["options"])]}
            )
        text = text_of(note, "note", "核查说明", required=verdict in ("rectify", "fail"))
        entry, _ = InspectionEntry.objects.update_or_create(
            inspection=inspection,
            code=check["code"],
            defaults={
                "verdict": verdict,
                "note": text,
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        audit_log(
            action="inspection.entry",
            obj=inspection,
            changes={"code": check["code"], "verdict": verdict},
        )
        return str(entry.pk)

    return write_once(client_id=client_id, visit=visit, kind="entry", actor=actor, write=write)


# --- photos -------------------------------------------------------------------------------


def _taken_at(value: Any, visit: FieldVisit) -> dt.datetime:
    try:
        taken = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError({"taken_at": ["拍摄时间格式应为ISO 8601"]}) from exc
    if taken.tzinfo is None:
        taken = timezone.make_aware(taken)
    now = clock.now()
    if taken > now + CLOCK_SLACK or taken < visit.created_at - CLOCK_SLACK:
        raise ValidationError({"taken_at": ["拍摄时间不在本次核查期间，请检查手机时间"]})
    return taken


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: ["坐标应为数字"]}) from exc
    if not -limit <= number <= limit:
        raise ValidationError({field: [f"坐标应在±{limit}之间"]})
    return number


def photo_add(
    *,
    actor: User,
    visit: FieldVisit,
    client_id: Any,
    upload: UploadedFile,
    taken_at: Any,
    inspection_id: Any = None,
    code: Any = "",
    latitude: Any = None,
    longitude: Any = None,
    accuracy: Any = None,
) -> Written:
    """A photo from the site, with the phone's time and, where it gave one, its place."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = None
        check_code = ""
        if inspection_id not in (None, ""):
            inspection = inspection_on(locked, inspection_id)
            if code:
                check_code = check_of(inspection, code)["code"]
        if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
            raise ValidationError({"file": ["照片不得超过10MB"]})
        if sniff_file(upload) not in ("image/jpeg", "image/png") or upload_problem(upload):
            raise ValidationError({"file": ["照片应为JPG或PNG图片"]})
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        try:
            accuracy_m = None if accuracy in (None, "") else max(0, int(float(accuracy)))
        except (TypeError, ValueError) as exc:
            raise ValidationError({"accuracy": ["定位精度应为米数"]}) from exc
        photo = InspectionPhoto(
            visit=locked,
            inspection=inspection,
            check_code=check_code,
            sha256=digest.hexdigest(),
            taken_at=_taken_at(taken_at, locked),
            latitude=_coordinate(latitude, "latitude", 90),
            longitude=_coordinate(longitude, "longitude", 180),
            accuracy_m=accuracy_m,
            taken_by=actor,
        )
        photo.file.save(f"visit-{locked.pk}-{record.client_id}.jpg", upload, save=False)
        photo.save()
        audit_log(action="inspection.photo", obj=locked, changes={"photo": photo.pk})
        return str(photo.pk)

    return write_once(client_id=client_id, visit=visit, kind="photo", actor=actor, write=write)


# --- signatures ---------------------------------------------------------------------------


def _signature_png(data_url: Any) -> bytes:
    text = str(data_url or "")
    prefix = "data:image/png;base64,"
    if not text.startswith(prefix):
        raise ValidationError({"image": ["签名应为手写签名图片（PNG）"]})
    try:
        raw = base64.b64decode(text[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"image": ["签名图片数据损坏"]}) from exc
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError({"image": ["签名图片过大"]})
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as picture:
            if picture.format != "PNG" or picture.width * picture.height > 4_000_000:
                raise ValidationError({"image": ["签名应为手写签名图片（PNG）"]})
            if picture.convert("RGBA").getchannel("A").getbbox() is None:
                raise ValidationError({"image": ["签名为空，请在框内签名"]})
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"image": ["签名图片数据损坏"]}) from exc
    return raw


def signature_add(
    *, actor: User, visit: FieldVisit, client_id: Any, role: Any, image: Any, name: Any = ""
) -> Written:
    """A signature drawn on the screen: the inspector signs as themselves; the applicant
    (or whoever receives the inspection for them) signs with their name."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        if role not in VisitSignature.Role.values:
            raise ValidationError({"role": ["签名人身份应为核查人员或申请人"]})
        raw = _signature_png(image)
        if role == VisitSignature.Role.INSPECTOR:
            signer: User | None = actor
            signer_name = actor.real_name or actor.username
            taken = locked.signatures.filter(role=role, signer=actor).exists()
        else:
            signer = None
            signer_name = text_of(name, "name", "签名人姓名", required=True)[:50]
            taken = locked.signatures.filter(role=role).exists()
        if taken:
            raise Conflict("已签过名")
        signature = VisitSignature(
            visit=locked,
            role=role,
            signer=signer,
            name=signer_name,
            sha256=hashlib.sha256(raw).hexdigest(),
            signed_at=timezone.now(),
            recorded_by=actor,
        )
        signature.image.save(f"visit-{locked.pk}-{role}-{record.client_id}.png", ContentFile(raw))
        audit_log(
            action="inspection.signature",
            obj=locked,
            changes={"role": role, "sha256": signature.sha256},
        )
        return str(signature.pk)

    return write_once(client_id=client_id, visit=visit, kind="signature", actor=actor, write=write)


# --- materials ----------------------------------------------------------------------------


def material_collect(
    *,
    actor: User,
    visit: FieldVisit,
    client_id: Any,
    inspection_id: Any,
    material_id: Any,
    upload: UploadedFile,
) -> Written:
    """A material the case still needs, collected on the spot (现场收取)."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = inspection_on(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        still_open(inspection)
        try:
            pk = int(material_id)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"material_id": ["请选择材料"]}) from exc
        row = case_material_collect_on_site(
            case=inspection.case, material_id=pk, upload=upload, actor=actor, where=locked.address
        )
        record.case_material = row
        return str(row.pk)

    return write_once(client_id=client_id, visit=visit, kind="material", actor=actor, write=write)
