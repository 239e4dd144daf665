"""Fixtures for the floor-plan maker: an item whose layout material is the catalogue's
`catering-layout` entry (the tool makes it), a draft of it, and a plan from a template."""

from __future__ import annotations

import pytest

from tests.cases.conftest import item, material_id, pdf  # noqa: F401
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.submission import case_save_draft
from tongban.catalog.models import Material, MaterialKind, ServiceItem
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.services import plan_create

LAYOUT = "餐饮服务场所平面布局图"


@pytest.fixture
def layout_item(item: ServiceItem) -> ServiceItem:  # noqa: F811
    kind = MaterialKind.objects.create(code="catering-layout", name=LAYOUT)
    Material.objects.create(item=item, name=LAYOUT, kind=kind, requirement="required", order=3)
    return item


@pytest.fixture
def draft(layout_item: ServiceItem, zhangsan: User) -> Case:
    case = case_save_draft(
        actor=zhangsan, code=layout_item.code, applicant=zhangsan, idempotency_key="plan-1"
    )
    case.situations = {"premises": "rent"}
    case.save(update_fields=["situations"])
    return case


@pytest.fixture
def plan(zhangsan: User) -> FloorPlan:
    return plan_create(owner=zhangsan, template="noodle")
