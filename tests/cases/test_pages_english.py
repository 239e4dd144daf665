"""The applicant's case pages in English (Chinese first, English translated)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from tests.cases.test_lifecycle import _accepted
from tongban.accounts.models import User
from tongban.cases.models import Case


def test_my_cases_and_the_case_page_read_in_english(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    case = _accepted(submitted, clerk, on=dt.date(2026, 12, 28))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhangsan)

    mine = client.get("/my/cases/").content.decode()
    assert "My cases" in mine and "provisional" in mine
    assert "我的办件" not in mine

    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    for text in (
        "Current state",
        "Promised completion date",
        "Application submitted",  # the timeline's events
        "Accepted",
        "The 2027 holiday schedule has not been published yet",
        "Withdraw the application",
    ):
        assert text in page, text
    assert "办理进度" not in page

    chinese = Client()
    chinese.force_login(zhangsan)
    page = chinese.get(f"/my/cases/{case.pk}/").content.decode()
    assert "办理进度" in page and "受理" in page and "Current state" not in page


def test_the_api_timeline_follows_the_language(submitted: Case, zhangsan: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhangsan)
    detail = client.get(f"/api/cases/{submitted.pk}").json()
    assert [e["label"] for e in detail["events"]][-1] == "Application submitted"
    detail = Client()
    detail.force_login(zhangsan)
    assert detail.get(f"/api/cases/{submitted.pk}").json()["events"][-1]["label"] == "提交申请"


def test_the_work_list_reads_in_english(submitted: Case, clerk: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    page = client.get("/workbench/").content.decode()
    assert "Awaiting acceptance" in page and "Filter" in page
    assert "工作台" not in page.split("<main")[-1]
