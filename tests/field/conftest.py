"""Fixtures for 现场核查: an item whose rented premises are inspected by two inspectors, an
accepted case of it, and the visit scheduled (a time chosen, two inspectors named)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from PIL import Image, ImageDraw

from tests.cases.conftest import item, material_id, pdf  # noqa: F401
from tests.factories import UserFactory
from tongban.accounts.models import Department, Role, User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.field.models import FieldVisit, Inspection
from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot

# Monday 2 March 2026, 10:00 in Xi'an.
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)

RULE = {
    "when": ["premises.rent"],
    "limit_days": 10,
    "inspectors": 2,
    "modes": ["merged"],
    "address_field": "premises_address",
    "checklist": [
        {"code": "premises", "text": "经营场所与申请一致，远离污染源", "basis": "law"},
        {"code": "storage", "text": "原料贮存离地离墙，设冷藏设施", "basis": "law"},
        {
            "code": "special-room",
            "text": "专间设预进间和非手动洗手设施",
            "basis": "law",
            "options": ["pass", "rectify", "fail", "na"],
        },
    ],
}


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    with time_machine.travel(MONDAY_10AM, tick=True):
        yield


@pytest.fixture
def inspected_item(item: ServiceItem) -> ServiceItem:  # noqa: F811
    ServiceItem.objects.filter(pk=item.pk).update(inspection=RULE)
    item.refresh_from_db()
    return item


@pytest.fixture
def inspectors(department: Department) -> list[User]:
    return [
        UserFactory(
            username=f"inspector{n}",
            real_name=name,
            department=department,
            roles=[Role.INSPECTOR],
            staff_number=f"ZF{n:04d}",
        )
        for n, name in enumerate(["陈核查", "魏核查"], start=1)
    ]


def accepted(item: ServiceItem, applicant: User, clerk: User, premises: str = "rent") -> Case:  # noqa: F811
    case = case_save_draft(
        actor=applicant, code=item.code, applicant=applicant, idempotency_key=f"k-{premises}"
    )
    files = {material_id(item, "申请书"): pdf()}
    if premises == "rent":
        files[material_id(item, "房屋租赁合同")] = pdf("租赁合同.pdf")
    case = case_submit(case=case, actor=applicant, situations={"premises": premises}, files=files)
    Case.objects.filter(pk=case.pk).update(
        form_data={**case.form_data, "premises_address": "西安市新城区示例路8号"}
    )
    case.refresh_from_db()
    case = lc.case_start_pre_review(case=case, actor=clerk)
    return lc.case_accept(case=case, actor=clerk)


@pytest.fixture
def inspection(inspected_item: ServiceItem, zhangsan: User, clerk: User) -> Inspection:
    case = accepted(inspected_item, zhangsan, clerk)
    return Inspection.objects.get(case=case)


@pytest.fixture
def scheduled(
    inspection: Inspection, zhangsan: User, reviewer: User, inspectors: list[User]
) -> FieldVisit:
    visit = inspection.visit
    visit_choose_slot(actor=zhangsan, visit=visit, starts_at=slots_for(visit)[0][0])
    return visit_assign(
        actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors]
    )


def signature_png(blank: bool = False) -> str:
    picture = Image.new("RGBA", (320, 120), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(picture).line([(20, 60), (150, 40), (300, 90)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 200)).save(out, format="JPEG")
    return out.getvalue()
