"""The 好差评 API: rate a case or 一件事, read, follow up and rate again; the departments'
bad-rating tasks and their steps; appeals and their review; the public figures."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.security import SessionAuth

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.cases.selectors import access_case
from tongban.core.api_types import ObjectId
from tongban.core.errors import PermissionDenied
from tongban.ratings import figures as public
from tongban.ratings import schemas
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal
from tongban.ratings.rules import OFFICIALS
from tongban.ratings.selectors import bundle_case_for, rating_for
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate

router = Router(tags=["好差评 ratings"])
session = SessionAuth()


def rating_out(r: Rating) -> dict[str, Any]:
    task = getattr(r, "task", None)
    return {
        "id": r.pk,
        "kind": r.kind,
        "channel": r.channel,
        "level": r.level,
        "level_label": str(r.get_level_display()),
        "indicators": r.indicators,
        "reason": r.reason,
        "rated_at": r.rated_at,
        "follow_up": r.follow_up,
        "current": r.current,
        "excluded": r.excluded_at is not None,
        "task_state": task.state if task is not None else None,
    }


def task_out(t: BadRatingTask) -> dict[str, Any]:
    return {
        "id": t.pk,
        "rating_id": t.rating_id,
        "state": t.state,
        "state_label": str(t.get_state_display()),
        "department": t.department.name if t.department_id else None,  # type: ignore[union-attr]
        "level": t.rating.level,
        "warning": t.warning,
        "opened_on": t.opened_on,
        "due": handling.step_due(t),
        "finding": t.finding,
        "fix": t.fix,
    }


def _rating(request: HttpRequest, rating_id: int) -> tuple[User, Rating]:
    user = request_user(request)
    return user, rating_for(user, rating_id)


def _task(request: HttpRequest, task_id: int) -> tuple[User, BadRatingTask]:
    user = request_user(request)
    task = BadRatingTask.objects.select_related("rating", "department").filter(pk=task_id).first()
    if task is None or not user.has_perm("ratings.view_task", task):
        raise Http404("差评工单不存在")
    return user, task


@router.get("/figures", response=schemas.FiguresOut, auth=None, summary="公开评价指标")
def figures(
    request: HttpRequest,
    by: Literal["department", "item", "hall", "window", "clerk", "channel"] = "department",
) -> dict[str, Any]:
    return {
        "definitions": public.__doc__ or "",
        "by": by,
        "city": public.city_figure().as_dict(),
        "rows": [f.as_dict() for f in public.rating_figures(by)],
    }


@router.get("/tasks", response=list[schemas.TaskOut], auth=session, summary="本部门的差评工单")
def tasks(
    request: HttpRequest, state: Literal["open", "callback", "verify", "rectify", "closed"] = "open"
) -> list[dict[str, Any]]:
    user = request_user(request)
    if not user.has_role(*OFFICIALS):
        raise PermissionDenied("仅工作人员可以查看差评工单")
    chosen = BadRatingTask.objects.select_related("rating", "department")
    if not user.has_role("administrator", "hall_manager"):
        department = user.department_id
        chosen = chosen.filter(department_id=department) if department else chosen.none()
    if state == "open":
        chosen = chosen.exclude(state=BadRatingTask.State.CLOSED)
    else:
        chosen = chosen.filter(state=state)
    return [task_out(t) for t in chosen.order_by("opened_on", "pk")[:500]]


@router.post(
    "/cases/{case_id}",
    response={201: schemas.RatingOut},
    auth=session,
    summary="评价已办结的办件（一事一评）",
)
def rate_case(
    request: HttpRequest, case_id: ObjectId, payload: schemas.RatingIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    case = access_case(user, case_id)
    made = rate.rating_case(actor=user, case=Case.objects.get(pk=case.pk), **payload.dict())
    return Status(201, rating_out(made))


@router.post(
    "/bundles/{bundle_case_id}",
    response={201: schemas.RatingOut},
    auth=session,
    summary="评价已办结的一件事（一次评价，归属各部门）",
)
def rate_bundle(
    request: HttpRequest, bundle_case_id: ObjectId, payload: schemas.RatingIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    parent = bundle_case_for(user, bundle_case_id)
    made = rate.rating_bundle(actor=user, bundle_case=parent, **payload.dict())
    return Status(201, rating_out(made))


@router.get("/{rating_id}", response=schemas.RatingOut, auth=session, summary="一条评价")
def rating_get(request: HttpRequest, rating_id: ObjectId) -> dict[str, Any]:
    return rating_out(_rating(request, rating_id)[1])


@router.post(
    "/{rating_id}/follow-up", response=schemas.RatingOut, auth=session, summary="追评（15天内）"
)
def follow_up(
    request: HttpRequest, rating_id: ObjectId, payload: schemas.FollowUpIn
) -> dict[str, Any]:
    user, r = _rating(request, rating_id)
    return rating_out(rate.rating_follow_up(actor=user, rating=r, text=payload.text))


@router.post(
    "/{rating_id}/again",
    response={201: schemas.RatingOut},
    auth=session,
    summary="差评处理反馈后再次评价",
)
def again(
    request: HttpRequest, rating_id: ObjectId, payload: schemas.RatingIn
) -> Status[dict[str, Any]]:
    user, r = _rating(request, rating_id)
    return Status(201, rating_out(rate.rating_again(actor=user, rating=r, **payload.dict())))


@router.post(
    "/tasks/{task_id}/callback", response=schemas.TaskOut, auth=session, summary="登记回访"
)
def callback(
    request: HttpRequest, task_id: ObjectId, payload: schemas.CallbackIn
) -> dict[str, Any]:
    user, task = _task(request, task_id)
    return task_out(
        handling.task_callback(actor=user, task=task, reached=payload.reached, note=payload.note)
    )


@router.post("/tasks/{task_id}/verify", response=schemas.TaskOut, auth=session, summary="核实")
def verify(request: HttpRequest, task_id: ObjectId, payload: schemas.VerifyIn) -> dict[str, Any]:
    user, task = _task(request, task_id)
    return task_out(
        handling.task_verify(actor=user, task=task, valid=payload.valid, reason=payload.reason)
    )


@router.post("/tasks/{task_id}/fix", response=schemas.TaskOut, auth=session, summary="登记整改")
def fix(request: HttpRequest, task_id: ObjectId, payload: schemas.FixIn) -> dict[str, Any]:
    user, task = _task(request, task_id)
    owner = User.objects.filter(pk=payload.owner_id).first() if payload.owner_id else None
    return task_out(
        handling.task_fix(
            actor=user,
            task=task,
            immediate=payload.immediate,
            plan=payload.plan,
            evidence=payload.evidence,
            owner=owner,
            due=payload.due,
        )
    )


@router.post(
    "/tasks/{task_id}/fixed", response=schemas.TaskOut, auth=session, summary="提交整改佐证"
)
def fixed(request: HttpRequest, task_id: ObjectId, payload: schemas.EvidenceIn) -> dict[str, Any]:
    user, task = _task(request, task_id)
    return task_out(handling.task_fix_done(actor=user, task=task, evidence=payload.evidence))


@router.post(
    "/tasks/{task_id}/appeal",
    response={201: schemas.AppealOut},
    auth=session,
    summary="对差评提出申诉",
)
def appeal(
    request: HttpRequest, task_id: ObjectId, payload: schemas.AppealIn
) -> Status[dict[str, Any]]:
    user, task = _task(request, task_id)
    made = handling.appeal_file(actor=user, task=task, reason=payload.reason)
    return Status(201, _appeal_out(made))


def _appeal_out(a: RatingAppeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "rating_id": a.rating_id,
        "state": a.state,
        "department": a.department.name,
    }


@router.post(
    "/appeals/{appeal_id}/decide",
    response=schemas.AppealOut,
    auth=session,
    summary="复核申诉（申诉部门以外）",
)
def decide(
    request: HttpRequest, appeal_id: ObjectId, payload: schemas.AppealDecideIn
) -> dict[str, Any]:
    user = request_user(request)
    found = RatingAppeal.objects.select_related("department").filter(pk=appeal_id).first()
    if found is None or not user.has_role(*OFFICIALS):
        raise Http404("申诉不存在")
    return _appeal_out(
        handling.appeal_decide(actor=user, appeal=found, upheld=payload.upheld, note=payload.note)
    )
