"""Concurrent acceptance on a real database server: one winner per case, no gaps in numbers.

SQLite's in-memory test database cannot host truly concurrent transactions (and the embedded
default serialises writers anyway), so these run in the PostgreSQL pass of `.ci/run`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from tests.cases.conftest import material_id, pdf
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.racing import race
from tongban.accounts.models import Role
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database server (runs on PostgreSQL)"
    ),
    # Real commits; the flush afterwards must restore the calendar the migrations loaded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DAY = dt.date(2026, 3, 2)


def _submitted_cases(count: int) -> tuple[list[Case], list[Any]]:
    department = DepartmentFactory()
    item = ServiceItemFactory(with_guide=True, department=department, audience="person")
    applicant = UserFactory(roles=[Role.APPLICANT])
    clerks = [UserFactory(department=department, roles=[Role.CLERK]) for _ in range(count)]
    cases = []
    for n in range(count):
        case = case_save_draft(
            actor=applicant, code=item.code, applicant=applicant, idempotency_key=f"c{n}"
        )
        case = case_submit(
            case=case,
            actor=applicant,
            situations={"premises": "rent"},
            files={
                material_id(item, "申请书"): pdf(),
                material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
            },
        )
        cases.append(lc.case_start_pre_review(case=case, actor=clerks[n]))
    return cases, clerks


def test_two_clerks_accepting_the_same_case_at_once_one_succeeds() -> None:
    (case,), _ = _submitted_cases(1)
    clerks = [UserFactory(department=case.department, roles=[Role.CLERK]) for _ in range(2)]
    results = race([lambda c=c: lc.case_accept(case=case, actor=c, on=DAY) for c in clerks])
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, lc.CaseConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    case.refresh_from_db()
    assert case.events.filter(action="accept").count() == 1


def test_concurrent_acceptances_get_gap_free_numbers() -> None:
    cases, clerks = _submitted_cases(6)
    results = race(
        [
            lambda c=c, k=k: lc.case_accept(case=c, actor=k, on=DAY)
            for c, k in zip(cases, clerks, strict=True)
        ]
    )
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [f"TB20260302{n:06d}" for n in range(1, 7)]
