"""Fixtures for 好差评: cases brought to completion, a hall window with its rating pad."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine

from tests.cases.conftest import item, material_id, pdf, submitted  # noqa: F401
from tests.hall.conftest import HallSetup, hall_clerk, hs, second_clerk  # noqa: F401
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem

Complete = Callable[..., Case]
# Monday 2 March 2026, 10:00 in Xi'an: a working day with working days after it.
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    with time_machine.travel(MONDAY_10AM, tick=True):
        yield


@pytest.fixture
def complete(item: ServiceItem, zhangsan: User, clerk: User, reviewer: User) -> Complete:  # noqa: F811
    """张三's application for the item, taken all the way to 办结."""
    counter = iter(range(1, 1000))

    def make(applicant: User | None = None) -> Case:
        person = applicant or zhangsan
        case = case_save_draft(
            actor=person, code=item.code, applicant=person, idempotency_key=f"r{next(counter)}"
        )
        case = case_submit(
            case=case,
            actor=person,
            situations={"premises": "rent"},
            files={
                material_id(item, "申请书"): pdf(),
                material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
            },
        )
        case = lc.case_start_pre_review(case=case, actor=clerk)
        case = lc.case_accept(case=case, actor=clerk)
        case = lc.case_start_review(case=case, actor=reviewer)
        case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
        case = lc.case_produce_result(case=case, actor=reviewer)
        case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=True)
        return lc.case_complete(case=case, actor=clerk)

    return make
