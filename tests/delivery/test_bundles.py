"""A 一件事's results are delivered once, together: one choice on its one submission page
for every case, offered only among the modes all its items offer, and one parcel with one
waybill for every result."""

from __future__ import annotations

import json
import time

import pytest
from django.core.exceptions import ValidationError

from tests.cases.test_bundle_cases import complete_submission, start
from tests.delivery.conftest import demo_result
from tongban.accounts.models import User
from tongban.cases.bundles.services import bundle_submit
from tongban.cases.models import Case, CaseState, Visit
from tongban.core.errors import Conflict
from tongban.delivery.couriers import couriers
from tongban.delivery.models import Delivery
from tongban.delivery.presenters import bundle_modes
from tongban.delivery.services.mail import courier_webhook, mail_ship

MAIL = {
    "mode": "mail",
    "recipient_name": "张三",
    "recipient_phone": "13800000000",
    "region_code": "610102",
    "address": "西安市新城区示例路1号",
}


@pytest.mark.django_db
def test_a_bad_choice_refuses_the_whole_submission(demo_city: None) -> None:
    parent = start("bad-choice", "no")
    data, files = complete_submission(parent)
    zhangsan = User.objects.get(username="zhangsan")
    with pytest.raises(ValidationError) as refused:
        bundle_submit(
            parent=parent,
            actor=zhangsan,
            data=data,
            files=files,
            extras={"delivery": {**MAIL, "region_code": "110101"}},
        )
    assert "delivery_region_code" in refused.value.message_dict
    parent.refresh_from_db()
    assert parent.state == "draft" and not Delivery.objects.exists()


@pytest.mark.django_db
def test_one_choice_and_one_waybill_for_every_result(demo_city: None) -> None:
    parent = start("mail-bundle", "no")
    assert bundle_modes(parent) == ["window", "mail"]  # what every item of it offers
    data, files = complete_submission(parent)
    zhangsan = User.objects.get(username="zhangsan")
    bundle_submit(parent=parent, actor=zhangsan, data=data, files=files, extras={"delivery": MAIL})
    children = list(Case.objects.filter(bundle_case=parent))
    deliveries = Delivery.objects.filter(case__in=children)
    assert deliveries.count() == len(children)
    assert {(d.mode, d.group) for d in deliveries} == {("mail", f"bundle:{parent.pk}")}

    clerk = User.objects.get(username="clerk")
    licence = demo_result(Case.objects.get(bundle_case=parent, bundle_key="licence"))
    with pytest.raises(Conflict, match="一次寄出"):
        mail_ship(case=licence, actor=clerk)  # the others are not made yet
    for child in Case.objects.filter(bundle_case=parent).exclude(bundle_key="licence"):
        if child.state != CaseState.DRAFT:
            demo_result(child)
    ready = list(Case.objects.filter(bundle_case=parent, state=CaseState.RESULT_READY))
    shipment = mail_ship(case=ready[-1], actor=clerk)
    assert shipment.deliveries.count() == len(ready) > 1

    demo = couriers.get("demo")
    event = {
        "event_id": "e1",
        "waybill": shipment.waybill,
        "state": "signed",
        "text": "本人签收",
        "at": "2026-03-05T10:00:00+08:00",
    }
    body = json.dumps({"events": [event]}).encode()
    stamp = int(time.time())
    headers = {"X-Courier-Timestamp": str(stamp), "X-Courier-Signature": demo.sign(body, stamp)}
    courier_webhook("demo", body, headers)
    states = set(Case.objects.filter(pk__in=[c.pk for c in ready]).values_list("state", flat=True))
    assert states == {CaseState.COMPLETED}
    assert not Visit.objects.filter(case__bundle_case=parent).exists()
