"""Exchange API: the resource catalog, grants, queries by department staff, a subject's own
access history, the steward's review, and the signed endpoint for remote systems."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Status
from ninja.security import SessionAuth

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.core.api_types import ObjectId, Offset, RefusalOut
from tongban.core.throttle import client_address
from tongban.exchange import selectors
from tongban.exchange.models import AccessGrant, AccessLog
from tongban.exchange.schemas import (
    AccessOut,
    GrantDecisionIn,
    GrantIn,
    GrantOut,
    GrantRevokeIn,
    QueryIn,
    QueryOut,
    ResourceOut,
    VolumeOut,
)
from tongban.exchange.services.grants import grant_decide, grant_request, grant_revoke
from tongban.exchange.services.query import exchange_query
from tongban.exchange.services.remote import remote_query
from tongban.exchange.signing import SignatureError

router = Router(tags=["数据共享 exchange"], auth=SessionAuth())


def _resource(code: str) -> Any:
    resource = selectors.resource_by_code(code)
    if resource is None:
        raise Http404(f"资源“{code}”不存在")
    return resource


def _department(user: User) -> Any:
    if user.department is None:
        raise PermissionDenied("只有部门工作人员可以使用共享数据")
    return user.department


def grant_out(grant: AccessGrant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "resource": grant.resource.code,
        "resource_name": grant.resource.name,
        "provider": grant.resource.provider.name,
        "consumer": grant.consumer.name,
        "purpose": grant.purpose,
        "fields": grant.fields,
        "clear_fields": grant.clear_fields,
        "state": grant.state,
        "state_label": str(grant.get_state_display()),
        "valid_until": grant.valid_until,
        "decision_note": grant.decision_note,
        "requested_at": grant.requested_at,
    }


def access_out(entry: AccessLog) -> dict[str, Any]:
    return {
        "at": entry.at,
        "who": entry.actor_label,
        "department": entry.consumer.name if entry.consumer else None,
        "resource": entry.resource.name if entry.resource else None,
        "provider": entry.resource.provider.name if entry.resource else None,
        "purpose": entry.purpose,
        "case": entry.case_label,
        "fields": entry.fields,
        "result": entry.result,
        "result_label": str(entry.get_result_display()),
    }


@router.get("/resources", response=list[ResourceOut], summary="政务信息资源目录")
def resources(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name": r.name,
            "kind": r.kind,
            "provider": r.provider.name,
            "sharing_class": r.sharing_class,
            "subject_kind": r.subject_kind,
            "update_frequency": r.update_frequency,
            "description": r.description,
            "fields": [
                {"code": f.code, "label": f.label, "sensitivity": f.sensitivity, "mask": f.mask}
                for f in r.fields.all()
            ],
        }
        for r in selectors.resource_list()
    ]


@router.get("/grants", response=list[GrantOut], summary="本部门提供或使用的共享授权")
def grants(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    if not user.has_perm("exchange.review_access"):
        raise PermissionDenied("只有数据管理员可以查看共享授权")
    scope = None if user.has_role("administrator") else _department(user)
    return [grant_out(g) for g in selectors.grant_list(scope)[:500]]


@router.post("/grants", response={201: GrantOut}, summary="申请共享授权")
def request_grant(request: HttpRequest, payload: GrantIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    grant = grant_request(
        actor=user,
        resource=_resource(payload.resource),
        consumer=_department(user),
        purpose=payload.purpose,
        fields=payload.fields,
        clear_fields=payload.clear_fields,
        valid_until=payload.valid_until,
    )
    return Status(201, grant_out(grant))


def _grant(grant_id: ObjectId) -> AccessGrant:
    grant = selectors.grant_get(grant_id)
    if grant is None:
        raise Http404("授权不存在")
    return grant


@router.post("/grants/{grant_id}/decide", response=GrantOut, summary="审核共享授权")
def decide_grant(
    request: HttpRequest, grant_id: ObjectId, payload: GrantDecisionIn
) -> dict[str, Any]:
    grant = grant_decide(
        actor=request_user(request),
        grant=_grant(grant_id),
        approve=payload.approve,
        note=payload.note,
    )
    return grant_out(selectors.grant_get(grant.pk) or grant)


@router.post("/grants/{grant_id}/revoke", response=GrantOut, summary="撤销共享授权")
def revoke_grant(
    request: HttpRequest, grant_id: ObjectId, payload: GrantRevokeIn
) -> dict[str, Any]:
    grant = grant_revoke(actor=request_user(request), grant=_grant(grant_id), reason=payload.reason)
    return grant_out(selectors.grant_get(grant.pk) or grant)


@router.post("/query", response=QueryOut, summary="查询主体的共享数据（在授权范围内）")
def query(request: HttpRequest, payload: QueryIn) -> dict[str, Any]:
    user = request_user(request)
    result = exchange_query(
        actor=user,
        consumer=_department(user),
        resource=_resource(payload.resource),
        subject_key=payload.subject,
        purpose=payload.purpose,
        fields=payload.fields,
        case_label=payload.case_ref,
    )
    return {
        "result": result.result,
        "result_label": str(AccessLog.Result(result.result).label),
        "resource": result.resource.code,
        "fields": result.fields,
        "record": result.record,
        "labels": result.labels,
        "detail": result.detail,
        "access_id": result.log_id,
    }


@router.get("/my-access", response=list[AccessOut], summary="谁查看了我的数据")
def my_access(
    request: HttpRequest, limit: Annotated[int, Field(ge=1, le=200)] = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    limit = max(1, min(limit, 200))
    entries = selectors.access_for_subject(request_user(request))[max(0, offset) : offset + limit]
    return [access_out(e) for e in entries]


@router.get("/review", response=list[VolumeOut], summary="数据访问量审查")
def review(request: HttpRequest, days: Query[int] = 14) -> list[dict[str, Any]]:
    user = request_user(request)
    if not user.has_perm("exchange.review_access"):
        raise PermissionDenied("只有数据管理员可以审查数据访问")
    scope = None if user.has_role("administrator") else _department(user)
    volumes = selectors.access_review(days=max(1, min(days, 90)), department=scope)
    return [
        {
            "department": v.department,
            "total": v.total,
            "denied": v.denied,
            "unavailable": v.unavailable,
            "days": {d.isoformat(): n for d, n in v.days.items()},
            "unusual": [{"day": d.isoformat(), "count": n, "mean": m} for d, n, m in v.unusual],
        }
        for v in volumes
    ]


@router.post(
    "/remote/query",
    auth=None,
    response={200: dict[str, Any], 401: RefusalOut},
    summary="对接系统查询（HMAC签名，防重放）",
)
def remote(request: HttpRequest) -> HttpResponse:
    try:
        body = remote_query(
            headers=request.headers,
            method=request.method or "POST",
            path=request.path,
            body=request.body,
            client=client_address(request),
        )
    except SignatureError as exc:
        return JsonResponse(
            {"detail": str(exc)}, status=401, json_dumps_params={"ensure_ascii": False}
        )
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
