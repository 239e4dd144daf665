"""What the inspectors' phones write at the site: verdicts on the checklist, photos with
their time and place, signatures drawn on the screen, materials collected on the spot, and
the conclusion of each department's inspection.

Every write names itself with an id the phone made (`client_id`, a UUID). The phone keeps a
write until the platform has answered it, and sends it again after a dropped connection; a
write whose id is already on record changes nothing and answers as the first did. Each write
locks its visit, so a conclusion never races an entry."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.services.events import case_event
from tongban.cases.services.onsite import case_material_collect_on_site
from tongban.catalog.inspections import DEFAULT_LIMIT_DAYS, inspection_rule
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.core.uploads import sniff_file, upload_problem
from tongban.field.models import (
    FieldVisit,
    FieldWrite,
    Inspection,
    InspectionEntry,
    InspectionPhoto,
    VisitSignature,
)
from tongban.field.services.commitments import commitment_after_check
from tongban.field.services.inspections import inspection_open
from tongban.notify.services import notify

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


def _once(
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


def _text(value: Any, field: str, label: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [f"请填写{label}"]})
    if len(text) > NOTE_MAX:
        raise ValidationError({field: [f"{label}不能超过{NOTE_MAX}字"]})
    return text


def _inspection_of(visit: FieldVisit, inspection_id: Any) -> Inspection:
    try:
        pk = int(inspection_id)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"inspection_id": ["请指明核查事项"]}) from exc
    inspection = visit.inspections.select_related("case", "visit").filter(pk=pk).first()
    if inspection is None:
        raise ValidationError({"inspection_id": ["该核查不在本次上门核查中"]})
    return inspection


def _check_of(inspection: Inspection, code: Any) -> dict[str, Any]:
    check: dict[str, Any] | None = next(
        (c for c in inspection.checklist if c["code"] == code), None
    )
    if check is None:
        raise ValidationError({"code": [f"核查表中没有“{code}”这一项"]})
    return check


def _open(inspection: Inspection) -> None:
    if inspection.state != Inspection.State.OPEN:
        raise Conflict(f"该核查已{inspection.get_state_display()}，不能再修改")


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
        inspection = _inspection_of(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        _open(inspection)
        check = _check_of(inspection, code)
        if verdict not in check["options"]:
            raise ValidationError(
                {"verdict": ["该核查项的结论只能是：" + "、".join(check["options"])]}
            )
        text = _text(note, "note", "核查说明", required=verdict in ("rectify", "fail"))
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

    return _once(client_id=client_id, visit=visit, kind="entry", actor=actor, write=write)


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
            inspection = _inspection_of(locked, inspection_id)
            if code:
                check_code = _check_of(inspection, code)["code"]
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

    return _once(client_id=client_id, visit=visit, kind="photo", actor=actor, write=write)


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
            signer_name = _text(name, "name", "签名人姓名", required=True)[:50]
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

    return _once(client_id=client_id, visit=visit, kind="signature", actor=actor, write=write)


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
        inspection = _inspection_of(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        _open(inspection)
        try:
            pk = int(material_id)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"material_id": ["请选择材料"]}) from exc
        row = case_material_collect_on_site(
            case=inspection.case, material_id=pk, upload=upload, actor=actor, where=locked.address
        )
        record.case_material = row
        return str(row.pk)

    return _once(client_id=client_id, visit=visit, kind="material", actor=actor, write=write)


# --- conclusion ---------------------------------------------------------------------------

OUTCOMES = {
    "pass": Inspection.State.PASSED,
    "rectify": Inspection.State.RECTIFY,
    "fail": Inspection.State.FAILED,
}


def _ready_to_conclude(inspection: Inspection, locked: FieldVisit, outcome: str) -> None:
    entries = {e.code: e.verdict for e in inspection.entries.all()}
    missing = [c["text"][:20] for c in inspection.checklist if c["code"] not in entries]
    if missing:
        raise ValidationError({"result": [f"还有{len(missing)}项未核查：{'；'.join(missing)}"]})
    verdicts = set(entries.values())
    if outcome == "pass" and verdicts - {"pass", "na"}:
        raise ValidationError({"result": ["有核查项不符合或须整改，不能作出核查通过的结论"]})
    if outcome == "rectify" and "rectify" not in verdicts:
        raise ValidationError({"result": ["没有须整改的核查项"]})
    inspectors = set(
        locked.assignments.filter(department_id=inspection.department_id).values_list(
            "inspector_id", flat=True
        )
    )
    signed = set(
        locked.signatures.filter(role=VisitSignature.Role.INSPECTOR).values_list(
            "signer_id", flat=True
        )
    )
    if inspectors - signed:
        raise ValidationError({"result": ["本部门每名核查人员都须在现场签名"]})
    if not locked.signatures.filter(role=VisitSignature.Role.APPLICANT).exists():
        raise ValidationError({"result": ["申请人（或其代表）须在现场签名确认"]})


def inspection_conclude(
    *,
    actor: User,
    visit: FieldVisit,
    client_id: Any,
    inspection_id: Any,
    result: Any,
    note: Any = "",
    rectify_days: Any = None,
) -> Written:
    """The department's conclusion: 通过; 限期整改 with a deadline, after which the site is
    inspected again (a new round); or 不通过 with the reasons. The case's timeline and the
    applicant are told."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = _inspection_of(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        _open(inspection)
        if result not in OUTCOMES:
            raise ValidationError({"result": ["核查结论应为通过、限期整改或不通过"]})
        text = _text(note, "note", "核查意见", required=result != "pass")
        _ready_to_conclude(inspection, locked, str(result))
        if (
            result == "rectify"
            and inspection.purpose == Inspection.Purpose.POST_CHECK
            and inspection.round > 1
        ):
            raise ValidationError({"result": ["整改后的复查只能作出通过或不通过的结论"]})
        today = clock.localdate()
        if result == "rectify":
            try:
                days = int(rectify_days)
            except (TypeError, ValueError) as exc:
                raise ValidationError({"rectify_days": ["请填写整改期限（工作日）"]}) from exc
            if not 1 <= days <= RECTIFY_DAYS_MAX:
                raise ValidationError(
                    {"rectify_days": [f"整改期限应为1至{RECTIFY_DAYS_MAX}个工作日"]}
                )
            inspection.rectify_due = add_working_days(today, days)
        inspection.state = OUTCOMES[str(result)]
        inspection.result_note = text
        inspection.concluded_at = timezone.now()
        inspection.concluded_by = actor
        inspection.warning = ""
        inspection.save()
        _told(inspection, actor)
        if inspection.rectify_due is not None:
            # The re-inspection: a new round on a new visit, due the item's limit after the
            # rectification deadline.
            rule = inspection_rule(inspection.case.item.inspection)
            limit = rule.limit_days if rule is not None else DEFAULT_LIMIT_DAYS
            inspection_open(
                inspection.case,
                rule,
                previous=inspection,
                due=add_working_days(inspection.rectify_due, limit),
            )
        if inspection.purpose == Inspection.Purpose.POST_CHECK:
            commitment_after_check(inspection)
        if not locked.inspections.filter(state=Inspection.State.OPEN).exists():
            locked.state = FieldVisit.State.DONE
            locked.finished_at = timezone.now()
            locked.save(update_fields=["state", "finished_at"])
        return str(inspection.pk)

    return _once(client_id=client_id, visit=visit, kind="conclude", actor=actor, write=write)


def _told(inspection: Inspection, actor: User) -> None:
    label = Inspection.State(inspection.state).label
    note = said(
        gettext_noop("现场核查（第{round}轮）：{result}"), round=inspection.round, result=label
    )
    if inspection.result_note:
        note = said(gettext_noop("{note}。{finding}"), note=note, finding=inspection.result_note)
    if inspection.rectify_due:
        note = said(
            gettext_noop("{note}。请于{due}前完成整改，届时将再次现场核查"),
            note=note,
            due=inspection.rectify_due,
        )
    case = inspection.case
    case_event(
        case,
        actor=actor,
        action="inspection",
        note=note,
        data={"inspection": inspection.pk, "state": inspection.state},
    )
    audit_log(
        action="inspection.conclude",
        obj=inspection,
        changes={"state": inspection.state, "rectify_due": str(inspection.rectify_due or "")},
    )
    notify(
        recipients=[case.applicant],
        subject=said(gettext_noop("现场核查结果：{result}"), result=label),
        body=said(
            gettext_noop("您的“{item}”办件{number}：{note}。"),
            item=case.item,
            number=case.number or "",
            note=note,
        ),
        ref=f"case:{case.pk}",
    )


# --- on-site certification ----------------------------------------------------------------

# The steps that take a submitted case to its result, by the state it is in.
TO_RESULT = ("submitted", "pre_review", "accepted", "in_review", "decided")


def onsite_certify(
    *, actor: User, visit: FieldVisit, client_id: Any, inspection_id: Any
) -> Written:
    """现场发证: where the item allows it, the assigned inspector issues the licence on the
    spot once the inspection has passed and the application is in: the platform takes the
    case to its decision and result (the certificate, signed as always) on the inspector's
    word, each step on the timeline naming them."""
    from tongban.cases.models import Case
    from tongban.cases.services import lifecycle as lc

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = _inspection_of(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        rule = inspection_rule(inspection.case.item.inspection)
        if rule is None or "on_site" not in rule.modes:
            raise ValidationError({"inspection_id": ["该事项不支持当场发证"]})
        if inspection.state != Inspection.State.PASSED:
            raise Conflict("现场核查通过后才能当场发证")
        case = Case.objects.select_related("item").get(pk=inspection.case_id)
        if case.state == "draft":
            raise Conflict("请申请人先提交申请，再当场发证")
        if case.state not in TO_RESULT:
            raise Conflict(f"办件当前为“{case.get_state_display()}”，不能当场发证")
        cause = f"现场发证（核查人员：{actor.real_name or actor.username}）"
        if case.state == "submitted":
            case = lc.case_start_pre_review(case=case, actor=None, cause=cause)
        if case.state == "pre_review":
            case = lc.case_accept(case=case, actor=None, cause=cause)
        if case.state == "accepted":
            case = lc.case_start_review(case=case, actor=None, cause=cause)
        if case.state == "in_review":
            case = lc.case_decide(
                case=case,
                actor=None,
                decision="grant",
                reason="现场核查通过，当场作出准予许可决定",
                cause=cause,
            )
        lc.case_produce_result(case=case, actor=None, cause=cause)
        audit_log(action="inspection.certify_on_site", obj=inspection, changes={"case": case.pk})
        return str(case.pk)

    return _once(
        client_id=client_id,
        visit=visit,
        kind="certify",
        actor=actor,
        write=write,
        states=(FieldVisit.State.SCHEDULED, FieldVisit.State.DONE),
    )
