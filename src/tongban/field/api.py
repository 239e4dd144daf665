"""The field API: the inspector's visits and their checklists, and the phone's writes
(entries, photos, signatures, materials collected on site, conclusions), each idempotent by
the phone's `client_id`; the applicant's choice of time and the department's inspectors."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from tongban.accounts.models import Role, User
from tongban.accounts.requests import request_user
from tongban.cases.selectors import access_case
from tongban.core.api_types import ObjectId
from tongban.core.errors import PermissionDenied
from tongban.field import schemas
from tongban.field.figures import field_figures
from tongban.field.models import Commitment, FieldVisit, Inspection
from tongban.field.presenters import person
from tongban.field.rules import is_field_staff
from tongban.field.selectors import inspection_for, visit_for, visits_assigned
from tongban.field.services import commitments, conclusion, inspections, onsite, scheduling
from tongban.field.services.commitments import commitment_of
from tongban.field.services.writes import Written

router = Router(tags=["现场核查与告知承诺 field"])
FIGURE_ROLES = (
    Role.REVIEWER,
    Role.INSPECTOR,
    Role.HALL_MANAGER,
    Role.DATA_STEWARD,
    Role.ADMINISTRATOR,
)
session = SessionAuth()


def inspection_out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "previsit": i.previsit,
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
        conclusion.inspection_conclude(
            actor=user, visit=visit_for(user, visit_id), **payload.dict()
        )
    )


@router.post(
    "/visits/{visit_id}/certify", response=WRITE, auth=session, summary="核查通过后当场发证"
)
def certify(
    request: HttpRequest, visit_id: ObjectId, payload: schemas.CertifyIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    return written(
        conclusion.onsite_certify(actor=user, visit=visit_for(user, visit_id), **payload.dict())
    )


@router.post(
    "/cases/{case_id}/previsit",
    response={201: schemas.InspectionOut},
    auth=session,
    summary="申请上门预勘（倒上门：申请前咨询、材料预审与核查一次上门）",
)
def previsit(request: HttpRequest, case_id: ObjectId) -> Status[dict[str, Any]]:
    user = request_user(request)
    case = access_case(user, case_id)
    return Status(201, inspection_out(inspections.previsit_request(actor=user, case=case)))


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


def commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "case_id": c.case_id,
        "case_number": c.case.number,
        "state": c.state,
        "state_label": str(c.get_state_display()),
        "signed_at": c.signed_at,
        "text_sha256": c.text_sha256,
        "conditions": c.conditions,
        "waived": c.waived,
        "post_check_due": c.post_check_due,
        "revoked_reason": c.revoked_reason,
    }


def _commitment(request: HttpRequest, case_id: int) -> tuple[User, Commitment]:
    user = request_user(request)
    case = access_case(user, case_id)
    found = commitment_of(case)
    if found is None:
        raise Http404("该办件没有告知承诺")
    return user, found


@router.get(
    "/commitments/{case_id}",
    response=schemas.CommitmentOut,
    auth=session,
    summary="办件的告知承诺（申请人或可查看该办件的工作人员）",
)
def commitment(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return commitment_out(_commitment(request, case_id)[1])


@router.post(
    "/commitments/{case_id}/revoke",
    response=schemas.CommitmentOut,
    auth=session,
    summary="承诺不实，撤销许可并记入信用记录（发证部门审批人员）",
)
def revoke(request: HttpRequest, case_id: ObjectId, payload: schemas.RevokeIn) -> dict[str, Any]:
    user, found = _commitment(request, case_id)
    return commitment_out(
        commitments.commitment_revoke(actor=user, commitment=found, reason=payload.reason)
    )


@router.get(
    "/figures",
    response=schemas.FieldFiguresOut,
    auth=session,
    summary="现场核查与告知承诺指标（工作人员；部门人员看本部门）",
)
def figures(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    if not user.has_role(*FIGURE_ROLES):
        raise PermissionDenied("仅工作人员可以查看核查与承诺指标")
    whole_city = user.has_role(Role.ADMINISTRATOR, Role.HALL_MANAGER, Role.DATA_STEWARD)
    return field_figures(department_id=None if whole_city else user.department_id).as_dict()
