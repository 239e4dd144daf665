"""Mail: a waybill with the courier for a result (a 一件事's results in one parcel), its
tracking from the courier's signed webhook, 签收 completing the case and an undeliverable
parcel coming back to the counter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.cases.services.lifecycle import case_delivery_confirm
from tongban.catalog.models import DeliveryMode
from tongban.core.audit import audit_log
from tongban.core.context import Actor, acting_as
from tongban.core.errors import Conflict, ServiceBusy
from tongban.core.texts import said
from tongban.delivery.couriers import (
    BadWebhook,
    CourierUnavailable,
    DemoCourier,
    TrackingUpdate,
    courier_default,
    couriers,
)
from tongban.delivery.models import Delivery, Shipment, TrackingEvent, Where, where_noted
from tongban.notify.services import notify

CAUSE = "delivery.mail"
# How far along a parcel is; signed and returned are both the end of its road.
ORDER = {"created": 0, "in_transit": 1, "out": 2, "signed": 3, "returned": 3}


def _together(case: Case) -> list[Delivery]:
    own = Delivery.objects.select_related("case__item").get(case=case)
    if not own.group:
        return [own]
    return list(
        Delivery.objects.select_related("case__item")
        .filter(group=own.group, mode=DeliveryMode.MAIL, shipment__isnull=True)
        .exclude(case__state__in=[CaseState.WITHDRAWN, CaseState.TERMINATED, CaseState.REJECTED])
        .order_by("case_id")
    )


def mail_ship(*, case: Case, actor: User) -> Shipment:
    """寄出: the courier's waybill for the result, the applicant told its number. Safe to
    repeat: a case already shipped returns its shipment; the courier being down writes
    nothing (503, try again)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("item", "applicant")
            .get(pk=case.pk)
        )
        if not actor.has_perm("cases.deliver_case", case):
            raise PermissionDenied("无权为该办件安排送达")
        delivery = Delivery.objects.filter(case=case).select_related("shipment").first()
        if delivery is None or delivery.mode != DeliveryMode.MAIL:
            raise Conflict("申请人选择的领取方式不是邮寄")
        if delivery.shipment is not None:
            return delivery.shipment
        if not (delivery.address and delivery.region_code and delivery.recipient_phone):
            raise Conflict("申请人尚未填写完整的邮寄地址，请联系申请人补充")
        together = _together(case)
        waiting = [d.case for d in together if d.case.state != CaseState.RESULT_READY]
        if waiting:
            names = "、".join(f"“{c.item.name}”" for c in waiting)
            raise Conflict(f"一件事的结果一次寄出：{names}的结果尚未制作完成")
        courier = courier_default()
        try:
            waybill = courier.create_waybill(
                # One reference per sending: a retried request gets the same waybill, a
                # result sent again after a return gets a new one.
                reference=f"case-{case.pk}-{Shipment.objects.filter(case=case).count() + 1}",
                recipient={
                    "name": delivery.recipient_name,
                    "phone": delivery.recipient_phone,
                    "region": delivery.region_code,
                    "address": delivery.address,
                },
            )
        except CourierUnavailable as exc:
            raise ServiceBusy(300, f"快递下单失败（{exc}），请稍后重试") from exc
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(courier=courier.name, waybill=waybill, case=case)
        except IntegrityError:
            raise Conflict("该运单号已被使用，请稍后重试") from None
        Delivery.objects.filter(pk__in=[d.pk for d in together]).update(
            shipment=shipment,
            where=Where.WITH_COURIER,
            **where_noted(
                said(
                    gettext_noop("已交{courier}寄出，运单号{waybill}"),
                    courier=courier.label,
                    waybill=waybill,
                )
            ),
        )
        for d in together:
            case_event(
                d.case,
                actor=actor,
                action="mail_ship",
                note=said(
                    gettext_noop("已寄出：{courier} {waybill}"),
                    courier=courier.label,
                    waybill=waybill,
                ),
            )
        notify(
            recipients=[case.applicant],
            subject=f"办理结果已寄出，运单号{waybill}",
            body=f"您的“{case.item.name}”办理结果已交{courier.label}寄出，运单号{waybill}，可在办件页面查看物流。",
            ref=f"case:{case.pk}",
        )
        audit_log(
            action="delivery.mail_ship",
            obj=shipment,
            changes={"waybill": [None, waybill], "case": [None, case.pk]},
        )
        return shipment


def courier_webhook(name: str, body: bytes, headers: Mapping[str, str]) -> dict[str, int]:
    """A courier's signed tracking call: verified, then each new event applied once."""
    try:
        courier = couriers.get(name)
    except LookupError:
        raise BadWebhook("未知的快递公司") from None
    updates = courier.verify(body, headers)
    applied = duplicates = unknown = 0
    with acting_as(Actor(id=f"courier:{name}", label=f"快递 {courier.label}")):
        for update in updates:
            result = _apply(courier.name, update)
            applied += result == "applied"
            duplicates += result == "duplicate"
            unknown += result == "unknown"
    return {"applied": applied, "duplicates": duplicates, "unknown": unknown}


@transaction.atomic
def _apply(courier: str, update: TrackingUpdate) -> str:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("case__item", "case__applicant", "case__department")
        .filter(courier=courier, waybill=update.waybill)
        .first()
    )
    if shipment is None:
        return "unknown"
    if TrackingEvent.objects.filter(shipment=shipment, event_id=update.event_id).exists():
        return "duplicate"
    TrackingEvent.objects.create(
        shipment=shipment,
        event_id=update.event_id,
        state=update.state,
        text=update.text,
        at=update.at,
    )
    final = shipment.state in (Shipment.State.SIGNED, Shipment.State.RETURNED)
    if final or ORDER.get(update.state, 0) < ORDER.get(shipment.state, 0):
        return "applied"  # kept in the track; a late or out-of-order event changes nothing
    shipment.state = update.state
    shipment.save(update_fields=["state", "updated_at"])
    if update.state == Shipment.State.SIGNED:
        _signed(shipment, update.at)
    elif update.state == Shipment.State.RETURNED:
        _returned(shipment, update.text)
    audit_log(
        action="delivery.tracking",
        obj=shipment,
        changes={"state": [None, update.state], "event": [None, update.event_id]},
    )
    return "applied"


def _signed(shipment: Shipment, at: dt.datetime) -> None:
    for delivery in shipment.deliveries.select_related("case"):
        Delivery.objects.filter(pk=delivery.pk).update(
            where=Where.DELIVERED,
            **where_noted(
                said(gettext_noop("快件已签收（运单号{waybill}）"), waybill=shipment.waybill)
            ),
            delivered_at=at,
        )
        if delivery.case.state == CaseState.RESULT_READY:
            case_delivery_confirm(
                case=delivery.case,
                mode=DeliveryMode.MAIL,
                cause=CAUSE,
                note=said(
                    gettext_noop("邮寄送达，运单号{waybill}已签收"), waybill=shipment.waybill
                ),
            )


def _returned(shipment: Shipment, text: str) -> None:
    case = shipment.case
    counter = said(gettext_noop("{department}窗口"), department=case.department)
    Delivery.objects.filter(shipment=shipment).update(
        where=Where.AT_COUNTER,
        **where_noted(
            said(
                gettext_noop("快件无法投递（{reason}），已退回{counter}"),
                reason=text,
                counter=counter,
            )
        ),
        shipment=None,
    )
    case_event(
        case,
        actor=None,
        action="mail_returned",
        note=said(
            gettext_noop("快件{waybill}无法投递，结果已退回{counter}"),
            waybill=shipment.waybill,
            counter=counter,
        ),
    )
    notify(
        recipients=[case.applicant],
        subject="办理结果快件无法投递",
        body=f"您的“{case.item.name}”办理结果快件（运单号{shipment.waybill}）无法投递，已退回{counter}。请核对地址后联系窗口重新寄出，或到窗口领取。",
        ref=f"case:{case.pk}",
    )


def couriers_sweep(now: dt.datetime | None = None) -> str:
    """The demo courier plays the events now due through its signed webhook."""
    now = now or timezone.now()
    demo = couriers.get("demo")
    if not isinstance(demo, DemoCourier):
        return "快递轨迹 0（示范快递未启用）"
    sent = 0
    active = Shipment.objects.filter(courier="demo").exclude(
        state__in=[Shipment.State.SIGNED, Shipment.State.RETURNED]
    )
    for shipment in active.prefetch_related("deliveries", "events"):
        address = next((d.address for d in shipment.deliveries.all()), "")
        seen = {e.event_id for e in shipment.events.all()}
        due = [
            e
            for e in demo.due_events(
                waybill=shipment.waybill, created=shipment.created_at, address=address, now=now
            )
            if e["event_id"] not in seen
        ]
        if due:
            body, headers = demo.signed_call(due)
            sent += courier_webhook("demo", body, headers)["applied"]
    return f"快递轨迹 {sent}"
