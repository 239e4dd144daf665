"""Cases API: the whole lifecycle. Handlers parse, fetch with permission, call one service."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from tongban.accounts.models import Enterprise, User
from tongban.accounts.requests import request_user
from tongban.cases import selectors
from tongban.cases.actions import CASE_ACTIONS, NoInput, action_take
from tongban.cases.models import Case
from tongban.cases.presenters import case_full, case_summary
from tongban.cases.schemas import (
    AcceptIn,
    CaseCreateIn,
    CaseDetailOut,
    CasePageOut,
    CaseRevealedOut,
    CorrectionIn,
    DecideIn,
    DelegationIn,
    DelegationOut,
    DeliverIn,
    ExtendIn,
    ReasonIn,
    RevealIn,
    SuspendIn,
)
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.delegations import delegation_grant, delegation_revoke
from tongban.cases.services.personal import case_personal_reveal
from tongban.cases.services.submission import (
    applicant_by_id_number,
    case_save_draft,
    case_submit,
)
from tongban.core.api_types import ObjectId, Offset
from tongban.core.ids import normalize_uscc
from tongban.core.uploads import uploads_numbered

router = Router(tags=["办件 cases"], auth=SessionAuth())


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    fresh = selectors.case_detail(case.pk)
    assert fresh is not None  # noqa: S101 — we just wrote it
    return case_full(fresh, request_user(request))


def _json_field(request: HttpRequest, name: str) -> Any:
    raw = request.POST.get(name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValidationError({name: ["应为JSON格式"]}) from exc


@router.post("", response={200: CaseDetailOut}, summary="创建申请（草稿，幂等）")
def create_case(request: HttpRequest, body: CaseCreateIn) -> dict[str, Any]:
    actor = request_user(request)
    applicant = actor
    if body.applicant_id_number:
        applicant = applicant_by_id_number(
            actor=actor, id_number=body.applicant_id_number, channel=body.channel
        )
    enterprise = None
    if body.enterprise_uscc:
        enterprise = Enterprise.objects.filter(uscc=normalize_uscc(body.enterprise_uscc)).first()
        if enterprise is None:
            raise ValidationError({"enterprise_uscc": ["未找到该统一社会信用代码对应的企业"]})
    case = case_save_draft(
        actor=actor,
        code=body.item_code,
        applicant=applicant,
        idempotency_key=body.idempotency_key,
        channel=body.channel,
        enterprise=enterprise,
        form_data=body.form_data,
        situations=body.situations,
    )
    return case_full(selectors.with_timeline(case, actor), actor)


@router.post("/{case_id}/submit", response=CaseDetailOut, summary="上传材料并提交")
def submit_case(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    case = selectors.access_case(request_user(request), case_id)
    actor = request_user(request)
    case = case_submit(
        case=case,
        actor=actor,
        situations=_json_field(request, "situations"),
        form_data=_json_field(request, "form_data"),
        files=uploads_numbered(request.FILES, prefix="material_"),
    )
    return case_full(selectors.with_timeline(case, actor), actor)


class ListFilter(Schema):
    state: str | None = None
    item_code: str | None = None
    warning: str | None = None
    due_before: str | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: Offset = 0


def _page(request: HttpRequest, cases: Any, limit: int, offset: int) -> dict[str, Any]:
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    page = selectors.with_visit_counts(list(cases[offset : offset + limit]))
    viewer = request_user(request)
    return {"count": cases.count(), "items": [case_summary(c, viewer) for c in page]}


@router.get("/mine", response=CasePageOut, summary="我的办件")
def my_cases(request: HttpRequest, filters: Query[ListFilter]) -> dict[str, Any]:
    cases = selectors.case_list_for_applicant(request_user(request).pk)
    if filters.state:
        cases = cases.filter(state=filters.state)
    return _page(request, cases, filters.limit, filters.offset)


@router.get("/worklist", response=CasePageOut, summary="工作台待办列表")
def worklist(request: HttpRequest, filters: Query[ListFilter]) -> dict[str, Any]:
    import datetime as dt

    due = None
    if filters.due_before:
        try:
            due = dt.date.fromisoformat(filters.due_before)
        except ValueError as exc:
            raise ValidationError({"due_before": ["日期格式应为YYYY-MM-DD"]}) from exc
    user = request_user(request)
    if not user.has_role("clerk", "reviewer", "hall_manager", "administrator"):
        raise PermissionDenied("仅工作人员可查看工作台")
    cases = selectors.case_worklist(
        user,
        state=filters.state,
        item_code=filters.item_code,
        warning=filters.warning,
        due_before=due,
    )
    return _page(request, cases, filters.limit, filters.offset)


@router.get("/{case_id}", response=CaseDetailOut, summary="办件详情、时间线与计时")
def get_case(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    user = request_user(request)
    return case_full(selectors.access_case(user, case_id, detail=True), user)


@router.post(
    "/{case_id}/reveal",
    response=CaseRevealedOut,
    summary="查看完整个人信息（须说明事由，记入审计）",
)
def reveal(request: HttpRequest, case_id: ObjectId, body: RevealIn) -> dict[str, Any]:
    """The case with its applicant's and its form's personal information unmasked, for staff
    whose role needs it; the reading and its reason go into the audit chain."""
    user = request_user(request)
    case = selectors.access_case(user, case_id, detail=True)
    personal = case_personal_reveal(viewer=user, case=case, reason=body.reason)
    return {**case_full(case, user, revealed=True), "applicant_personal": personal}


def _act(
    request: HttpRequest, case_id: ObjectId, action: str, body: Schema | None = None
) -> dict[str, Any]:
    """One lifecycle step (`cases.actions`, the table the workbench uses too)."""
    user = request_user(request)
    case = selectors.access_case(user, case_id)
    step = CASE_ACTIONS[action]
    return _detail(request, action_take(step, case=case, actor=user, data=body or NoInput()))


@router.post("/{case_id}/pre-review", response=CaseDetailOut, summary="开始预审")
def pre_review(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return _act(request, case_id, "pre_review")


@router.post("/{case_id}/correction", response=CaseDetailOut, summary="要求补正")
def correction(request: HttpRequest, case_id: ObjectId, body: CorrectionIn) -> dict[str, Any]:
    return _act(request, case_id, "correction", body)


@router.post("/{case_id}/resubmit", response=CaseDetailOut, summary="补正后重新提交")
def resubmit(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    user = request_user(request)
    case = selectors.access_case(user, case_id)
    files = uploads_numbered(request.FILES, prefix="material_")
    return _detail(request, lc.case_resubmit(case=case, actor=user, files=files))


@router.post("/{case_id}/reject", response=CaseDetailOut, summary="不予受理")
def reject(request: HttpRequest, case_id: ObjectId, body: ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, "reject", body)


@router.post("/{case_id}/accept", response=CaseDetailOut, summary="受理")
def accept(request: HttpRequest, case_id: ObjectId, body: AcceptIn) -> dict[str, Any]:
    return _act(request, case_id, "accept", body)


@router.post("/{case_id}/review", response=CaseDetailOut, summary="开始审查")
def review(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return _act(request, case_id, "review")


@router.post("/{case_id}/suspend", response=CaseDetailOut, summary="启动特别程序（暂停计时）")
def suspend(request: HttpRequest, case_id: ObjectId, body: SuspendIn) -> dict[str, Any]:
    return _act(request, case_id, "suspend", body)


@router.post("/{case_id}/resume", response=CaseDetailOut, summary="结束特别程序")
def resume(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return _act(request, case_id, "resume")


@router.post("/{case_id}/extend", response=CaseDetailOut, summary="批准延期")
def extend(request: HttpRequest, case_id: ObjectId, body: ExtendIn) -> dict[str, Any]:
    return _act(request, case_id, "extend", body)


@router.post("/{case_id}/decide", response=CaseDetailOut, summary="作出决定")
def decide(request: HttpRequest, case_id: ObjectId, body: DecideIn) -> dict[str, Any]:
    return _act(request, case_id, "decide", body)


@router.post("/{case_id}/result", response=CaseDetailOut, summary="制作办理结果")
def result(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return _act(request, case_id, "result")


@router.post("/{case_id}/deliver", response=CaseDetailOut, summary="送达")
def deliver(request: HttpRequest, case_id: ObjectId, body: DeliverIn) -> dict[str, Any]:
    return _act(request, case_id, "deliver", body)


@router.post("/{case_id}/complete", response=CaseDetailOut, summary="办结")
def complete(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    return _act(request, case_id, "complete")


@router.post("/{case_id}/withdraw", response=CaseDetailOut, summary="申请人撤回")
def withdraw(request: HttpRequest, case_id: ObjectId, body: ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, "withdraw", body)


@router.post("/{case_id}/terminate", response=CaseDetailOut, summary="终止办理")
def terminate(request: HttpRequest, case_id: ObjectId, body: ReasonIn) -> dict[str, Any]:
    return _act(request, case_id, "terminate", body)


delegations = Router(tags=["委托授权 delegations"], auth=SessionAuth())


def _delegation_out(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "applicant": d.applicant.username,
        "agent": d.agent.username,
        "item_codes": d.item_codes,
        "valid_until": d.valid_until,
        "active": d.revoked_at is None,
    }


@delegations.post("", response=DelegationOut, summary="委托代办员")
def grant(request: HttpRequest, body: DelegationIn) -> dict[str, Any]:
    agent = User.objects.filter(username=body.agent_username).first()
    if agent is None:
        raise ValidationError({"agent_username": ["代办员不存在"]})
    delegation = delegation_grant(
        applicant=request_user(request),
        agent=agent,
        valid_until=body.valid_until,
        item_codes=body.item_codes,
    )
    return _delegation_out(delegation)


@delegations.delete("/{delegation_id}", response=DelegationOut, summary="撤销委托")
def revoke(request: HttpRequest, delegation_id: ObjectId) -> dict[str, Any]:
    from tongban.accounts.models import Delegation

    user = request_user(request)
    delegation = Delegation.objects.filter(pk=delegation_id, applicant=user).first()
    if delegation is None:
        raise Http404("委托不存在")
    return _delegation_out(delegation_revoke(delegation=delegation, by=user))
