"""Fixtures for cases: a published item (own / rented premises) and a filled-in application."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import DepartmentFactory, ServiceItemFactory, shared_resource
from tongban.accounts.models import Department, User
from tongban.cases.models import Case
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.core.synthetic import make_pdf


def pdf(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf("test file"), content_type="application/pdf")


@pytest.fixture
def item(department: Department, zhangsan: User) -> ServiceItem:
    """20 working days legal, 5 promised, at the reviewer's and clerk's department, whose
    property certificate (own premises) the exchange provides for 张三."""
    shared_resource(
        "res.real_estate",
        provider=DepartmentFactory(code="zrzy", name="自然资源局", short_name="自然资源"),
        consumer=department,
        name="不动产登记信息",
        records={
            str(zhangsan.id_number): {
                "certificate_no": "陕（2025）西安市不动产权第0000001号",
                "owner": "张三",
                "location": "陕西省西安市新城区示例路1号",
            }
        },
    )
    return ServiceItemFactory(
        with_guide=True, department=department, audience="person", name="食品经营许可"
    )


def material_id(item: ServiceItem, name: str) -> int:
    return int(item.materials.get(name=name).pk)


@pytest.fixture
def submitted(item: ServiceItem, zhangsan: User) -> Case:
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k1")
    return case_submit(
        case=case,
        actor=zhangsan,
        situations={"premises": "rent"},
        files={
            material_id(item, "申请书"): pdf(),
            material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )


def at(day: dt.date) -> Any:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
