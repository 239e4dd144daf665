"""The floor-plan API: the live check the editor calls after every change, the format and the
rules as published data, the person's plans (create, read, save a revision), attaching a plan
to an application, and the reviewers' comments and 补正."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Body, Router, Status
from ninja.security import SessionAuth

from tongban.accounts.models import STAFF_ROLES
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.core.api_types import ObjectId
from tongban.core.errors import PermissionDenied
from tongban.floorplans import schemas, services
from tongban.floorplans.checker import jurisdiction, jurisdictions
from tongban.floorplans.figures import floorplan_figures
from tongban.floorplans.format import plan_json_schema
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.selectors import plan_for, plans_of

router = Router(tags=["餐饮平面图 floorplans"])
session = SessionAuth()


def plan_out(plan: FloorPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "jurisdiction": plan.jurisdiction,
        "revision": plan.revision,
        "passed": plan.passed,
        "case_id": plan.case_id,
        "attached_revision": plan.attached_revision,
        "updated_at": plan.updated_at,
        "plan": plan.data,
        "findings": plan.findings,
    }


@router.post(
    "/check",
    response=schemas.PlanCheckOut,
    auth=session,
    summary="核验一张平面图（编辑器随画随查；不保存）",
)
def check(
    request: HttpRequest,
    plan: Body[dict[str, Any]],  # the documented format: /api/floorplans/format
) -> dict[str, Any]:
    _, result = services.plan_checked(plan)
    return {**result.summary(), "findings": [f.as_dict() for f in result.findings]}


@router.get("/format", summary="平面图数据格式（JSON Schema，第1版）")
def data_format(request: HttpRequest) -> dict[str, Any]:
    return plan_json_schema()


@router.get("/rules", response=list[schemas.JurisdictionOut], summary="各地区的审查规则")
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [{**asdict(j), "rules": [asdict(r) for r in j.rules]} for j in jurisdictions()]


@router.get("/rules/{code}", response=schemas.JurisdictionOut, summary="一个地区的审查规则")
def rules_of(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        found = jurisdiction(code[:30])
    except LookupError:
        raise Http404("没有这一地区的审查规则") from None
    return {**asdict(found), "rules": [asdict(r) for r in found.rules]}


@router.get(
    "/figures",
    response=schemas.PlanFiguresOut,
    auth=session,
    summary="平面图首次提交通过率（工作人员）",
)
def figures(request: HttpRequest) -> dict[str, Any]:
    if not request_user(request).has_role(*STAFF_ROLES):
        raise PermissionDenied("仅工作人员可以查看平面图指标")
    return floorplan_figures()


@router.get("", response=list[schemas.PlanOut], auth=session, summary="我的平面图")
def my_plans(request: HttpRequest) -> list[dict[str, Any]]:
    return [plan_out(p) for p in plans_of(request_user(request))]


@router.post("", response={201: schemas.PlanOut}, auth=session, summary="从模板新建平面图")
def create(request: HttpRequest, payload: schemas.PlanNewIn) -> Status[dict[str, Any]]:
    plan = services.plan_create(
        owner=request_user(request),
        template=payload.template,
        jurisdiction_code=payload.jurisdiction,
    )
    return Status(201, plan_out(plan))


@router.post(
    "/claim",
    response=schemas.PlanOut,
    auth=session,
    summary="凭取图码领取在大厅自助机上绘制的平面图",
)
def claim(request: HttpRequest, payload: schemas.ClaimIn) -> dict[str, Any]:
    from tongban.floorplans.claims import plan_claim

    return plan_out(plan_claim(user=request_user(request), code=payload.code))


@router.get("/{plan_id}", response=schemas.PlanOut, auth=session, summary="一张平面图")
def one(request: HttpRequest, plan_id: ObjectId) -> dict[str, Any]:
    return plan_out(plan_for(request_user(request), plan_id))


@router.put(
    "/{plan_id}",
    response=schemas.PlanOut,
    auth=session,
    summary="保存为新版本（服务器重新核验；他处已保存时409）",
)
def save(request: HttpRequest, plan_id: ObjectId, payload: schemas.PlanSaveIn) -> dict[str, Any]:
    user = request_user(request)
    plan = plan_for(user, plan_id, "floorplans.edit_plan")
    services.plan_save(
        plan=plan, actor=user, data=payload.plan, base_revision=payload.base_revision
    )
    plan.refresh_from_db()
    return plan_out(plan)


@router.post(
    "/{plan_id}/attach",
    response=schemas.AttachOut,
    auth=session,
    summary="附入食品经营许可申请（草稿或补正中），作为设备设施布局材料",
)
def attach(request: HttpRequest, plan_id: ObjectId, payload: schemas.AttachIn) -> dict[str, Any]:
    user = request_user(request)
    plan = plan_for(user, plan_id, "floorplans.edit_plan")
    case = Case.objects.filter(pk=payload.case_id).first()
    if case is None or not user.has_perm("cases.act_as_applicant", case):
        raise Http404("申请不存在")
    row = services.plan_attach(plan=plan, actor=user, case=case)
    return {
        "case_id": case.pk,
        "material": row.material.name,
        "file_name": row.file_name,
        "sha256": row.sha256,
        "revision": plan.attached_revision or plan.revision,
    }


def _comment_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "revision": c.revision,
        "x": c.x,
        "y": c.y,
        "text": c.text,
        "created_at": c.created_at,
    }


@router.get(
    "/{plan_id}/comments",
    response=list[schemas.CommentOut],
    auth=session,
    summary="审查意见（所附版本）",
)
def comments(request: HttpRequest, plan_id: ObjectId) -> list[dict[str, Any]]:
    plan = plan_for(request_user(request), plan_id)
    return [_comment_out(c) for c in services.open_comments(plan)]


@router.post(
    "/{plan_id}/comments",
    response={201: schemas.CommentOut},
    auth=session,
    summary="在平面图某处标注审查意见（受理、审查人员）",
)
def comment(
    request: HttpRequest, plan_id: ObjectId, payload: schemas.CommentIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    made = services.plan_comment_add(
        plan=plan, actor=user, x=payload.x, y=payload.y, text=payload.text
    )
    return Status(201, _comment_out(made))


@router.post(
    "/{plan_id}/correction",
    response={200: dict[str, Any]},
    auth=session,
    summary="按标注意见要求补正平面布局图",
)
def correction(request: HttpRequest, plan_id: ObjectId) -> dict[str, Any]:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    case = services.plan_correction_request(plan=plan, actor=user)
    return {"case_id": case.pk, "state": case.state}
