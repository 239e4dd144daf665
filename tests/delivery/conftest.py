"""Fixtures for the last mile: an item offering every delivery mode, a locker bank on the
simulator, and cases brought to the point where their result is made."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cases.conftest import item, material_id, pdf, submitted  # noqa: F401
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.delivery.models import LockerBank
from tongban.delivery.services.setup import locker_bank_setup
from tongban.demo.field_seed import demo_inspect

ALL_MODES = ["window", "locker", "mail", "door", "electronic"]


@pytest.fixture
def every_mode(item: ServiceItem) -> ServiceItem:  # noqa: F811
    ServiceItem.objects.filter(pk=item.pk).update(delivery_modes=ALL_MODES)
    item.refresh_from_db()
    return item


@pytest.fixture
def bank(manager: User) -> LockerBank:
    made, _key = locker_bank_setup(
        code="gwq-1",
        name="港务区1号信包箱",
        place="国际港务区政务服务中心东门",
        sizes=["S", "M", "M", "L"],
        region_code="610111",
        staff=[manager],
    )
    return made


@pytest.fixture
def bank_key(manager: User) -> tuple[LockerBank, str]:
    return locker_bank_setup(
        code="xc-1", name="新城区信包箱", place="新城区政务服务中心", sizes=["M", "M"]
    )


Apply = Callable[..., Case]


@pytest.fixture
def apply(every_mode: ServiceItem, zhangsan: User) -> Apply:
    """Submit 张三's application with a delivery choice (the draft page's fields)."""
    counter = iter(range(1, 1000))

    def make(**delivery: str) -> Case:
        case = case_save_draft(
            actor=zhangsan,
            code=every_mode.code,
            applicant=zhangsan,
            idempotency_key=f"d{next(counter)}",
        )
        return case_submit(
            case=case,
            actor=zhangsan,
            situations={"premises": "rent"},
            files={
                material_id(every_mode, "申请书"): pdf(),
                material_id(every_mode, "房屋租赁合同"): pdf("租赁合同.pdf"),
            },
            extras={"delivery": delivery} if delivery else None,
        )

    return make


def to_result(case: Case, clerk: User, reviewer: User) -> Case:
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    demo_inspect(case)  # where the item inspects the site first
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    return lc.case_produce_result(case=case, actor=reviewer)


def demo_result(case: Case) -> Case:
    """The demo city's window clerk and the department's reviewer take the case to its result."""
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=case.department, role_grants__role="reviewer")
    return to_result(case, clerk, reviewer)
