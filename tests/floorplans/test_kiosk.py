"""Plans drawn at a hall's kiosk: no sign-in, the kiosk session's plan only, checked and saved
through the kiosk's own endpoints; finished with a 取图码 that one person claims online, once,
within 30 days. Only the code's digest is stored."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import UserFactory
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import device_register
from tongban.core.errors import Conflict
from tongban.floorplans.claims import (
    kiosk_plan_create,
    kiosk_plan_finish,
    kiosk_plan_save,
    plan_claim,
)
from tongban.floorplans.models import FloorPlan
from tongban.hall.services.setup import hall_define, hall_device_place


@pytest.fixture
def kiosk(db: None) -> Any:
    hall = hall_define(
        code="civic",
        name="测试市民中心",
        address="测试市示例大道1号",
        categories=[{"letter": "A", "name": "综合受理", "default_service_minutes": 6}],
        windows=[{"number": 1, "categories": ["A"]}],
        staff=[],
        managers=[],
    )
    issued = device_register(kind=DeviceIdentity.Kind.KIOSK, name="绘图自助机")
    hall_device_place(device=issued.device, hall=hall)
    return issued


@pytest.fixture
def at_kiosk(kiosk: Any) -> Client:
    client = Client()
    client.post("/hall/device/", {"key": kiosk.api_key})
    return client


def test_a_kiosk_plan_is_claimed_once_by_its_code(kiosk: Any, zhangsan: User, lisi: User) -> None:
    plan = kiosk_plan_create(device=kiosk.device, template="cafe")
    assert plan.owner is None and plan.revision == 1
    kiosk_plan_save(plan_id=plan.pk, device=kiosk.device, data=plan.data, base_revision=1)
    plan, code = kiosk_plan_finish(plan_id=plan.pk, device=kiosk.device)
    assert len(code) == 9 and code[4] == "-"
    assert code.replace("-", "") not in plan.claim_digest  # only a digest is kept
    with pytest.raises(Conflict):  # finished: the kiosk can no longer change it
        kiosk_plan_save(plan_id=plan.pk, device=kiosk.device, data=plan.data, base_revision=2)
    claimed = plan_claim(user=zhangsan, code=code.lower().replace("-", " "))
    assert claimed.owner == zhangsan and claimed.claim_digest == "" and claimed.revision == 2
    with pytest.raises(ValidationError):
        plan_claim(user=lisi, code=code)


def test_a_code_expires_after_30_days(kiosk: Any, zhangsan: User) -> None:
    plan = kiosk_plan_create(device=kiosk.device, template="noodle")
    _, code = kiosk_plan_finish(plan_id=plan.pk, device=kiosk.device)
    later = timezone.now() + dt.timedelta(days=31)
    with time_machine.travel(later), pytest.raises(ValidationError) as caught:
        plan_claim(user=zhangsan, code=code)
    assert caught.value.message_dict == {"code": ["取图码无效或已过期"]}
    with pytest.raises(ValidationError) as caught:
        plan_claim(user=zhangsan, code="ABC")
    assert "8位" in caught.value.message_dict["code"][0]


def test_another_kiosk_cannot_touch_the_plan(kiosk: Any) -> None:
    plan = kiosk_plan_create(device=kiosk.device, template="noodle")
    other = device_register(kind=DeviceIdentity.Kind.KIOSK, name="另一台自助机").device
    with pytest.raises(Conflict):
        kiosk_plan_save(plan_id=plan.pk, device=other, data=plan.data, base_revision=1)
    with pytest.raises(Conflict):
        kiosk_plan_finish(plan_id=plan.pk, device=other)


def test_the_kiosk_pages_draw_check_save_and_print(at_kiosk: Client) -> None:
    assert at_kiosk.get("/hall/kiosk/floorplan/").status_code == 200
    answer = at_kiosk.post("/hall/kiosk/floorplan/new/", {"template": "noodle"})
    assert answer["Location"] == "/hall/kiosk/floorplan/edit/"
    page = at_kiosk.get("/hall/kiosk/floorplan/edit/")
    assert page.status_code == 200 and 'data-api="/hall/kiosk/floorplan"' in page.text
    plan = FloorPlan.objects.get()
    data = dict(plan.data)
    data["north"] = None
    checked = at_kiosk.post("/hall/kiosk/floorplan/check", json.dumps(data), "application/json")
    assert checked.status_code == 200
    assert [f["rule"] for f in checked.json()["findings"]] == ["drawing.north_arrow"]
    bad = at_kiosk.post("/hall/kiosk/floorplan/check", b"{", "application/json")
    assert bad.status_code == 400 and "JSON" in bad.json()["errors"]["plan"][0]
    saved = at_kiosk.put(
        f"/hall/kiosk/floorplan/{plan.pk}",
        json.dumps({"base_revision": 1, "plan": data}),
        "application/json",
    )
    assert saved.json() == {"revision": 2, "passed": False}
    printed = at_kiosk.post("/hall/kiosk/floorplan/finish/")
    assert printed.status_code == 200 and "取图码：" in printed.text
    code = printed.text.split("取图码：", 1)[1][:9]
    pdf = at_kiosk.get("/hall/kiosk/printout.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert code in text and "平面图未标注指北针" in text
    # The session forgot it: the editor starts over.
    assert at_kiosk.get("/hall/kiosk/floorplan/edit/")["Location"] == "/hall/kiosk/floorplan/"


def test_without_a_kiosk_nothing_is_reachable(at_kiosk: Client, client: Client) -> None:
    at_kiosk.post("/hall/kiosk/floorplan/new/", {"template": "noodle"})
    plan = FloorPlan.objects.get()
    assert client.post("/hall/kiosk/floorplan/check", "{}", "application/json").status_code == 403
    answer = client.put(
        f"/hall/kiosk/floorplan/{plan.pk}",
        json.dumps({"base_revision": 1, "plan": plan.data}),
        "application/json",
    )
    assert answer.status_code == 404
    person = UserFactory(roles=[Role.APPLICANT])
    client.force_login(person)
    assert client.get(f"/api/floorplans/{plan.pk}").status_code == 404
    assert client.get(f"/tools/floorplan/{plan.pk}/").status_code == 404
