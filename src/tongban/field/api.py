"""The field API: the inspector's visits and their checklists, and the phone's writes
(entries, photos, signatures, materials collected on site, conclusions), each idempotent by
the phone's `client_id`; the applicant's choice of time and the department's inspectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from tongban.accounts.requests import request_user
from tongban.core.api_types import ObjectId
from tongban.core.errors import PermissionDenied
from tongban.field import schemas
from tongban.field.models import FieldVisit, Inspection
from tongban.field.presenters import person
from tongban.field.rules import is_field_staff
from tongban.field.selectors import inspection_for, visit_for, visits_assigned
from tongban.field.services import inspections as scheduling
from tongban.field.services import onsite
from tongban.field.services.onsite import Written

router = Router(tags=["现场核查 field"])
session = SessionAuth()


def inspection_out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "case_number": i.case.number,
        "item": i.case.item.name,
        "department": i.department.name,
        "round": i.round,
        "state": i.state,
        "state_label": str(i.get_state_display()),
        "due": i.due,
        "warning": i.warning,
        "rectify_due": i.rectify_due,
        "result_note": i.result_note,
        "checklist": i.checklist,
        "entries": [
            {"code": e.code, "verdict": e.verdict, "note": e.note} for e in i.entries.all()
        ],
    }


def visit_out(v: FieldVisit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "state": v.state,
        "state_label": str(v.get_state_display()),
        "address": v.address,
        "starts_at": v.starts_at,
        "ends_at": v.ends_at,
        "inspectors": [person(a.inspector) for a in v.assignments.select_related("inspector")],
        "inspections": [
            inspection_out(i)
            for i in v.inspections.select_related("case__item", "department").order_by("pk")
        ],
        "signatures": [f"{s.name}（{s.get_role_display()}）" for s in v.signatures.all()],
        "photos": v.photos.count(),
    }


def written(w: Written) -> Status[dict[str, Any]]:
    return Status(
        200 if w.replayed else 201, {"kind": w.kind, "id": w.object_id, "replayed": w.replayed}
    )


WRITE = {200: schemas.WrittenOut, 201: schemas.WrittenOut}


@router.get("/visits", response=list[schemas.VisitOut], auth=session, summary="我的现场核查任务")
def visits(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    if not is_field_staff(user):
        raise PermissionDenied("仅核查人员可以查看现场核查任务")
    return [visit_out(v) for v in visits_assigned(user)[:200]]


@router.get("/visits/{visit_id}", response=schemas.VisitOut, auth=session, summary="一次上门核查")
def visit(request: HttpRequest, visit_id: ObjectId) -> dict[str, Any]:
    return visit_out(visit_for(request_user(request), visit_id))


@router.post("/visits/{visit_id}/entries", response=WRITE, auth=session, summary="记录核查项结论")
def entry(
    request: HttpRequest, visit_id: ObjectId, payload: schemas.EntryIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        onsite.entry_record(actor=user, visit=visit_for(user, visit_id), **payload.dict())
    )


@router.post("/visits/{visit_id}/photos", response=WRITE, auth=session, summary="上传现场照片")
def photo(
    request: HttpRequest,
    visit_id: ObjectId,
    file: File[UploadedFile],
    client_id: Form[str],
    taken_at: Form[str],
    inspection_id: Form[str] = "",
    code: Form[str] = "",
    latitude: Form[str] = "",
    longitude: Form[str] = "",
    accuracy: Form[str] = "",
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        onsite.photo_add(
            actor=user,
            visit=visit_for(user, visit_id),
            client_id=client_id,
            upload=file,
            taken_at=taken_at,
            inspection_id=inspection_id,
            code=code,
            latitude=latitude,
            longitude=longitude,
            accuracy=accuracy,
        )
    )


@router.post("/visits/{visit_id}/signatures", response=WRITE, auth=session, summary="现场签名")
def signature(
    request: HttpRequest, visit_id: ObjectId, payload: schemas.SignatureIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        onsite.signature_add(actor=user, visit=visit_for(user, visit_id), **payload.dict())
    )


@router.post("/visits/{visit_id}/materials", response=WRITE, auth=session, summary="现场收取材料")
def material(
    request: HttpRequest,
    visit_id: ObjectId,
    file: File[UploadedFile],
    client_id: Form[str],
    inspection_id: Form[str],
    material_id: Form[str],
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        onsite.material_collect(
            actor=user,
            visit=visit_for(user, visit_id),
            client_id=client_id,
            inspection_id=inspection_id,
            material_id=material_id,
            upload=file,
        )
    )


@router.post("/visits/{visit_id}/conclude", response=WRITE, auth=session, summary="作出核查结论")
def conclude(
    request: HttpRequest, visit_id: ObjectId, payload: schemas.ConcludeIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        onsite.inspection_conclude(actor=user, visit=visit_for(user, visit_id), **payload.dict())
    )


@router.get(
    "/inspections/{inspection_id}",
    response=schemas.InspectionOut,
    auth=session,
    summary="一项现场核查（申请人或承办部门）",
)
def inspection(request: HttpRequest, inspection_id: ObjectId) -> dict[str, Any]:
    return inspection_out(inspection_for(request_user(request), inspection_id))


@router.post(
    "/inspections/{inspection_id}/slot",
    response=schemas.VisitOut,
    auth=session,
    summary="预约核查时间（申请人）",
)
def slot(request: HttpRequest, inspection_id: ObjectId, payload: schemas.SlotIn) -> dict[str, Any]:
    user = request_user(request)
    found = inspection_for(user, inspection_id)
    return visit_out(
        scheduling.visit_choose_slot(actor=user, visit=found.visit, starts_at=payload.starts_at)
    )


@router.post(
    "/inspections/{inspection_id}/inspectors",
    response=schemas.VisitOut,
    auth=session,
    summary="指派核查人员（承办部门）",
)
def assign(
    request: HttpRequest, inspection_id: ObjectId, payload: schemas.AssignIn
) -> dict[str, Any]:
    user = request_user(request)
    found = inspection_for(user, inspection_id)
    return visit_out(
        scheduling.visit_assign(actor=user, inspection=found, inspector_ids=payload.inspector_ids)
    )
