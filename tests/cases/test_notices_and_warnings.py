"""The applicant is told at each step; the department is warned before and after the deadline."""

from __future__ import annotations

import datetime as dt

from tests.cases.test_lifecycle import _accepted
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.deadlines import case_warnings_sweep
from tongban.notify.models import Notification


def test_the_applicant_is_told_when_the_case_is_accepted(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    case = _accepted(submitted, clerk, on=dt.date(2026, 3, 2))
    inbox = Notification.objects.filter(recipient=zhangsan, channel="inbox").order_by("pk")
    assert [n.subject for n in inbox] == ["申请已提交", "申请已受理"]
    assert case.number in inbox.last().body
    assert "2026-03-09" in inbox.last().body
    assert Notification.objects.filter(recipient=zhangsan, channel="sms").count() == 2


def test_the_sweep_turns_cases_yellow_then_red_and_warns_the_department_once(
    submitted: Case, clerk: User, reviewer: User, manager: User
) -> None:
    case = _accepted(submitted, clerk, on=dt.date(2026, 3, 2))  # promised 2026-03-09
    assert case_warnings_sweep(on=dt.date(2026, 3, 3))["yellow"] == 0
    assert case_warnings_sweep(on=dt.date(2026, 3, 5))["yellow"] == 1
    case.refresh_from_db()
    assert case.warning == "yellow"
    assert case_warnings_sweep(on=dt.date(2026, 3, 5)) == {"yellow": 0, "red": 0, "none": 0}
    assert case_warnings_sweep(on=dt.date(2026, 3, 10))["red"] == 1
    warned = Notification.objects.filter(subject__startswith="办件").values_list(
        "recipient__username", "subject"
    )
    assert sorted(warned) == sorted(
        [
            ("reviewer", f"办件即将到期（剩余不超过2个工作日）：{case.number}"),
            ("manager", f"办件即将到期（剩余不超过2个工作日）：{case.number}"),
            ("reviewer", f"办件已超过承诺期限：{case.number}"),
            ("manager", f"办件已超过承诺期限：{case.number}"),
        ]
    )
