"""Mail through the courier plugin with its signed webhook, and door delivery with a run
sheet and a signed hand-over; both complete the case without a visit, and both bring an
undeliverable result back to the counter with the applicant told."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from tests.delivery.conftest import Apply, to_result
from tongban.accounts.models import User
from tongban.cases.models import CaseState, Visit
from tongban.core.errors import ServiceBusy
from tongban.core.synthetic import make_id_number
from tongban.delivery.couriers import BadWebhook, couriers
from tongban.delivery.models import Delivery, DoorHandover, Shipment, TrackingEvent, Where
from tongban.delivery.services.door import door_handover_done, door_handover_failed
from tongban.delivery.services.mail import courier_webhook, couriers_sweep, mail_ship
from tongban.notify.models import Notification

ADDRESS = {
    "recipient_name": "张三",
    "recipient_phone": "13800000000",
    "region_code": "610102",
    "address": "西安市新城区示例路1号3单元",
}


def _signed(events: list[dict[str, str]], *, at: int | None = None) -> tuple[bytes, dict[str, str]]:
    demo = couriers.get("demo")
    body = json.dumps({"events": events}).encode()
    stamp = at if at is not None else int(time.time())
    return body, {"X-Courier-Timestamp": str(stamp), "X-Courier-Signature": demo.sign(body, stamp)}


def _event(waybill: str, n: int, state: str) -> dict[str, str]:
    return {
        "event_id": f"{waybill}-x{n}",
        "waybill": waybill,
        "state": state,
        "text": state,
        "at": timezone.now().isoformat(),
    }


def test_mail_is_tracked_to_signed_and_completes_the_case(
    apply: Apply, clerk: User, reviewer: User, zhangsan: User
) -> None:
    case = to_result(apply(mode="mail", **ADDRESS), clerk, reviewer)
    shipment = mail_ship(case=case, actor=clerk)
    assert mail_ship(case=case, actor=clerk).pk == shipment.pk  # a retry ships nothing new
    assert Delivery.objects.get(case=case).where == Where.WITH_COURIER
    assert Notification.objects.filter(
        recipient=zhangsan, subject__contains=shipment.waybill
    ).exists()
    body, headers = _signed([_event(shipment.waybill, 1, "in_transit")])
    assert courier_webhook("demo", body, headers)["applied"] == 1
    assert courier_webhook("demo", body, headers)["duplicates"] == 1  # a replayed event
    body, headers = _signed([_event(shipment.waybill, 2, "signed")])
    courier_webhook("demo", body, headers)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert Delivery.objects.get(case=case).where == Where.DELIVERED
    assert not Visit.objects.filter(case=case).exists()
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2


def test_the_webhook_refuses_a_bad_signature_a_stale_call_and_nonsense(
    apply: Apply, clerk: User, reviewer: User
) -> None:
    case = to_result(apply(mode="mail", **ADDRESS), clerk, reviewer)
    waybill = mail_ship(case=case, actor=clerk).waybill
    body, headers = _signed([_event(waybill, 1, "signed")])
    with pytest.raises(BadWebhook, match="签名"):
        courier_webhook("demo", body, {**headers, "X-Courier-Signature": "0" * 64})
    stale_body, stale = _signed([_event(waybill, 1, "signed")], at=int(time.time()) - 3600)
    with pytest.raises(BadWebhook, match="时间戳"):
        courier_webhook("demo", stale_body, stale)
    junk, junk_headers = _signed([{"waybill": waybill}])  # type: ignore[list-item]
    with pytest.raises(BadWebhook, match="格式"):
        courier_webhook("demo", junk, junk_headers)
    client = Client()
    answer = client.post(
        "/api/delivery/couriers/demo/events",
        data=body,
        content_type="application/json",
        headers={**headers, "X-Courier-Signature": "f" * 64},
    )
    assert answer.status_code == 401 and "签名" in answer.json()["detail"]
    assert Shipment.objects.get(waybill=waybill).state == Shipment.State.CREATED


def test_the_demo_courier_plays_its_events_and_an_undeliverable_parcel_comes_back(
    apply: Apply, clerk: User, reviewer: User, zhangsan: User
) -> None:
    case = to_result(
        apply(mode="mail", **{**ADDRESS, "address": "西安市新城区查无此人路99号"}), clerk, reviewer
    )
    mail_ship(case=case, actor=clerk)
    with override_settings(DEMO_COURIER_HOURS=0):
        couriers_sweep()
    delivery = Delivery.objects.get(case=case)
    assert delivery.where == Where.AT_COUNTER and "无法投递" in delivery.where_note
    assert Notification.objects.filter(recipient=zhangsan, subject__contains="无法投递").exists()
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_READY
    # The counter can send it again once the address is right.
    assert mail_ship(case=case, actor=clerk).pk != Shipment.objects.order_by("pk").first().pk


def test_a_courier_that_is_down_writes_nothing(apply: Apply, clerk: User, reviewer: User) -> None:
    case = to_result(apply(mode="mail", **ADDRESS), clerk, reviewer)
    with override_settings(DEMO_COURIER_DOWN=True), pytest.raises(ServiceBusy):
        mail_ship(case=case, actor=clerk)
    assert not Shipment.objects.exists()
    assert Delivery.objects.get(case=case).where == Where.AT_COUNTER


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "gray").save(out, format="JPEG")
    return SimpleUploadedFile("door.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def elderly(zhangsan: User) -> User:
    zhangsan.id_number = make_id_number("610102", dt.date(1950, 5, 1), 7)
    zhangsan.save()
    return zhangsan


def test_door_delivery_goes_on_the_run_sheet_and_is_handed_over_with_signature_and_photo(
    apply: Apply, clerk: User, reviewer: User, elderly: User
) -> None:
    case = to_result(apply(mode="door", door_reason="elderly", **ADDRESS), clerk, reviewer)
    handover = DoorHandover.objects.get(case=case)
    assert Delivery.objects.get(case=case).where == Where.OUT_FOR_DOOR  # on the run sheet
    client = Client()
    client.force_login(clerk)
    sheet = client.get(f"/delivery/door/?day={handover.day.isoformat()}")
    assert sheet.status_code == 200 and "新城区" in sheet.content.decode()
    with pytest.raises(Exception, match="签名"):
        door_handover_done(handover_id=handover.pk, actor=clerk, signature="", photo=_photo())
    door_handover_done(handover_id=handover.pk, actor=clerk, signature=_png(), photo=_photo())
    case.refresh_from_db()
    handover.refresh_from_db()
    assert case.state == CaseState.COMPLETED and handover.signature and handover.photo
    assert not Visit.objects.filter(case=case).exists()


def test_a_door_delivery_nobody_answered_comes_back_to_the_counter(
    apply: Apply, clerk: User, reviewer: User, elderly: User
) -> None:
    case = to_result(apply(mode="door", door_reason="elderly", **ADDRESS), clerk, reviewer)
    handover = DoorHandover.objects.get(case=case)
    door_handover_failed(handover_id=handover.pk, actor=clerk, reason="家中无人")
    delivery = Delivery.objects.get(case=case)
    assert delivery.where == Where.AT_COUNTER and "家中无人" in delivery.where_note
    assert Notification.objects.filter(recipient=elderly, subject="送证上门未成功").exists()
