"""The delivery API: a case's delivery (read, choose), staff steps (reserve a compartment,
ship), the lockers with room, locker credentials, the courier's webhook, and the figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.cases.selectors import access_case
from tongban.catalog.models import DeliveryMode
from tongban.core.api_types import ObjectId
from tongban.delivery import schemas
from tongban.delivery.couriers import BadWebhook
from tongban.delivery.models import Delivery, LockerBank, LockerCredential, LockerParcel, Shipment
from tongban.delivery.presenters import mode_options
from tongban.delivery.selectors import delivery_figures
from tongban.delivery.services.choice import delivery_choose, may_change
from tongban.delivery.services.credentials import credential_issue, credential_revoke
from tongban.delivery.services.lockers import banks_with_room, locker_reserve
from tongban.delivery.services.mail import courier_webhook, mail_ship

router = Router(tags=["结果送达 delivery"])
# Who sees the city's figures (as on /manage/overview/).
FIGURE_ROLES = ("administrator", "hall_manager", "data_steward")
session = SessionAuth()


def delivery_out(case: Case, viewer: User) -> dict[str, Any]:
    d = (
        Delivery.objects.select_related("bank", "parcel__compartment", "shipment")
        .filter(case=case)
        .first()
    )
    modes = list(case.item.delivery_modes or [])
    out: dict[str, Any] = {
        "case_id": case.pk,
        "mode": d.mode if d else None,
        "mode_label": str(DeliveryMode(d.mode).label) if d else "",
        "where": d.where if d else "awaiting",
        "where_label": str(d.get_where_display()) if d else "尚未制作",
        "where_note": d.where_note if d else "",
        "options": [
            {
                **{k: o[k] for k in ("mode", "visit")},
                **{k: str(o[k]) for k in ("label", "cost", "time")},
            }
            for o in mode_options(modes, "")
        ],
        "may_change": may_change(case, viewer),
    }
    if d is not None and d.bank is not None:
        out["bank"] = d.bank.code
    if d is not None and d.parcel is not None and d.parcel.state in LockerParcel.LIVE:
        out["compartment"] = d.parcel.compartment.label
        out["code_expires_at"] = d.parcel.code_expires_at
    if d is not None and d.shipment is not None:
        out["waybill"] = d.shipment.waybill
        out["shipment_state"] = d.shipment.state
        out["tracking"] = list(d.shipment.events.values("at", "state", "text"))
    return out


def _case(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user = request_user(request)
    case = access_case(user, case_id)
    return user, Case.objects.select_related("item").get(pk=case.pk)


@router.get(
    "/cases/{case_id}", response=schemas.DeliveryOut, auth=session, summary="办件的结果送达"
)
def case_delivery(request: HttpRequest, case_id: ObjectId) -> dict[str, Any]:
    user, case = _case(request, case_id)
    return delivery_out(case, user)


@router.put(
    "/cases/{case_id}", response=schemas.DeliveryOut, auth=session, summary="选择或更改领取方式"
)
def choose(request: HttpRequest, case_id: ObjectId, payload: schemas.DeliveryIn) -> dict[str, Any]:
    user, case = _case(request, case_id)
    delivery_choose(case=case, actor=user, values=payload.dict())
    return delivery_out(case, user)


@router.post(
    "/cases/{case_id}/locker",
    response={201: schemas.ParcelOut},
    auth=session,
    summary="预留信包箱格口（存入结果）",
)
def reserve(
    request: HttpRequest, case_id: ObjectId, payload: schemas.ReserveIn
) -> Status[dict[str, Any]]:
    user, case = _case(request, case_id)
    bank = None
    if payload.bank:
        bank = LockerBank.objects.filter(code=payload.bank, active=True).first()
        if bank is None:
            raise Http404("信包箱不存在")
    parcel = locker_reserve(
        case=case, actor=user, bank=bank, idempotency_key=payload.idempotency_key
    )
    return Status(
        201,
        {
            "receipt": parcel.receipt,
            "bank": parcel.compartment.bank.code,
            "compartment": parcel.compartment.label,
            "state": parcel.state,
        },
    )


@router.post(
    "/cases/{case_id}/mail",
    response={201: schemas.ShipmentOut},
    auth=session,
    summary="交快递寄出",
    openapi_extra={"responses": {"503": {"description": "快递接口暂不可用"}}},
)
def ship(request: HttpRequest, case_id: ObjectId) -> Status[dict[str, Any]]:
    user, case = _case(request, case_id)
    shipment: Shipment = mail_ship(case=case, actor=user)
    return Status(
        201, {"courier": shipment.courier, "waybill": shipment.waybill, "state": shipment.state}
    )


@router.get("/lockers", response=list[schemas.BankOut], auth=None, summary="有空闲格口的信包箱")
def lockers(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": b.code, "name": b.name, "place": b.place, "free": getattr(b, "free", 0)}
        for b in banks_with_room()
    ]


def _credential_out(c: LockerCredential, pin: str | None = None) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind,
        "holder": c.holder_id,
        "revoked": c.revoked_at is not None,
        "pin": pin,
    }


@router.post(
    "/credentials", response={201: schemas.CredentialOut}, auth=session, summary="签发信包箱凭证"
)
def issue_credential(request: HttpRequest, payload: schemas.CredentialIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    if not user.has_perm("delivery.manage_lockers"):
        raise PermissionDenied("无权管理信包箱凭证")
    holder = User.objects.filter(pk=payload.holder).first()
    if holder is None:
        raise Http404("用户不存在")
    banks = list(LockerBank.objects.filter(code__in=payload.banks))
    if len(banks) != len(set(payload.banks)):
        raise Http404("信包箱不存在")
    credential, pin = credential_issue(actor=user, holder=holder, kind=payload.kind, banks=banks)
    return Status(201, _credential_out(credential, pin))


@router.post(
    "/credentials/{credential_id}/revoke",
    response=schemas.CredentialOut,
    auth=session,
    summary="吊销信包箱凭证",
)
def revoke_credential(request: HttpRequest, credential_id: ObjectId) -> dict[str, Any]:
    user = request_user(request)
    credential = LockerCredential.objects.filter(pk=credential_id).first()
    if credential is None or not user.has_perm("delivery.manage_lockers"):
        raise Http404("凭证不存在")
    return _credential_out(credential_revoke(actor=user, credential=credential))


@router.post(
    "/couriers/{name}/events",
    response={200: schemas.WebhookOut},
    auth=None,
    summary="快递轨迹回调（签名）",
    openapi_extra={"responses": {"401": {"description": "签名无效、时间戳过期或重放"}}},
)
def courier_events(request: HttpRequest, name: str) -> dict[str, int]:
    """Called by the courier, signed (see `delivery.couriers`); a bad signature, a stale or
    replayed call is refused with 401."""
    headers = {
        k: request.headers.get(k, "") for k in ("X-Courier-Timestamp", "X-Courier-Signature")
    }
    try:
        return courier_webhook(name[:40], request.body, headers)
    except BadWebhook as exc:
        raise HttpError(401, f"快递回调被拒绝：{exc}") from exc


@router.get(
    "/figures", response=schemas.DeliveryFiguresOut, auth=session, summary="送达方式与跑动次数"
)
def figures(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    if not user.has_role(*FIGURE_ROLES):
        raise PermissionDenied("仅管理人员可查看统计")
    return delivery_figures()
