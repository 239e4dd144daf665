"""The projects API: an agent's projects and their chains, starting one under a mandate,
and the service administration's figures."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.security import SessionAuth

from tongban.accounts.models import Delegation, Role
from tongban.accounts.requests import request_user
from tongban.core.api_types import ObjectId
from tongban.core.errors import PermissionDenied
from tongban.projects import presenters, schemas
from tongban.projects.models import Project
from tongban.projects.selectors import project_for, projects_visible
from tongban.projects.services import project_start

router = Router(tags=["帮办代办 projects"])
session = SessionAuth()


def project_out(project: Project) -> dict[str, Any]:
    page = presenters.project_page(project)
    bottleneck = page["bottleneck"]
    return {
        "id": project.pk,
        "name": project.name,
        "code": project.code,
        "enterprise": project.enterprise.name,
        "state": project.state,
        "state_label": str(project.get_state_display()),
        "goal_days": project.goal_days,
        "days": page["days"],
        "bottleneck": f"{bottleneck.item}：{bottleneck.waiting_on}" if bottleneck else None,
        "stages": [
            {
                "key": s.key,
                "item": s.item,
                "department": s.department,
                "case_id": s.case.pk,
                "state": s.case.state,
                "state_label": s.state_label,
                "started": s.started,
                "finished": s.finished,
                "days": s.days,
                "promised": s.promised,
                "waiting_on": s.waiting_on,
            }
            for s in page["stages"]
        ],
    }


@router.get("", response=list[schemas.ProjectOut], auth=session, summary="我的项目")
def projects(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    return [project_out(p) for p in projects_visible(user)[:100]]


@router.post(
    "",
    response={201: schemas.ProjectOut},
    auth=session,
    summary="帮办代办员按企业委托开办项目（审批链作为一件事申请）",
)
def start(request: HttpRequest, payload: schemas.ProjectIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    if not user.has_perm("projects.start_project"):
        raise PermissionDenied("只有帮办代办员可以代办工程建设项目")
    mandate = Delegation.objects.filter(pk=payload.mandate_id, agent=user).first()
    if mandate is None:
        raise Http404("委托授权不存在")
    project = project_start(
        actor=user,
        mandate=mandate,
        name=payload.name,
        code=payload.code,
        choices=payload.choices,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, project_out(project))


@router.get(
    "/figures",
    response=schemas.ProjectFiguresOut,
    auth=session,
    summary="项目按期率、项目用时中位数与代办员工作量（大厅管理员、管理员）",
)
def figures(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    if not user.has_role(Role.HALL_MANAGER, Role.ADMINISTRATOR, Role.DATA_STEWARD):
        raise PermissionDenied("仅大厅管理员和管理员可以查看项目指标")
    return presenters.project_figures()


@router.get("/{project_id}", response=schemas.ProjectOut, auth=session, summary="一个项目")
def project(request: HttpRequest, project_id: ObjectId) -> dict[str, Any]:
    return project_out(project_for(request_user(request), project_id))
