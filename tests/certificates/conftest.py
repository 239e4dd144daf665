"""Fixtures: certificate types for the cases' test item, and a case walked to its result."""

from __future__ import annotations

import pytest

from tests.cases.conftest import item, submitted  # noqa: F401 — fixtures used here
from tongban.accounts.models import Department, Enterprise, User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import ServiceItem
from tongban.certificates.models import CertificateType
from tongban.certificates.services import type_define


@pytest.fixture
def licence_type(item: ServiceItem, department: Department) -> CertificateType:  # noqa: F811
    return type_define(
        code="food_business",
        name="食品经营许可证",
        template="permit",
        items=[item.basic_code],
        resource_code="cert.food_business",
        provider=department,
        holder_kind="person",
        number_pattern="JY1{region}{seq:06d}{check}",
        validity_years=5,
        fields=[
            {"code": "name", "label": "经营者名称", "source": "applicant.real_name"},
            {"code": "premises", "label": "经营场所", "source": "=陕西省西安市新城区示例路1号"},
        ],
    )


@pytest.fixture
def decision_type(db: None) -> CertificateType:
    return type_define(
        code="approval_decision",
        name="行政许可决定书",
        template="decision",
        fallback=True,
        holder_kind="person",
        number_pattern="{region}审批决〔{year}〕{seq:06d}号",
        fields=[{"code": "item", "label": "申请事项", "source": "item.name"}],
    )


def walk_to_result(case: Case, clerk: User, reviewer: User, decision: str = "grant") -> Case:
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(
        case=case,
        actor=reviewer,
        decision=decision,
        reason="" if decision == "grant" else "场所不符合要求",
    )
    return lc.case_produce_result(case=case, actor=reviewer)


@pytest.fixture
def issued(
    submitted: Case,  # noqa: F811
    clerk: User,
    reviewer: User,
    licence_type: CertificateType,
    decision_type: CertificateType,
) -> Case:
    return walk_to_result(submitted, clerk, reviewer)


__all__ = ["Enterprise"]
