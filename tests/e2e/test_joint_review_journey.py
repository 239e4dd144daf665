"""Journey: the bookstore bundle's three permits under review at three departments; the lead
department (market regulation) convenes a joint review from a case page; closing the form
before every department has written its row is refused; each department's reviewer enters
its own row on the one opinion form; the lead closes it and grants once; the signed opinion
form is issued and the verification page accepts it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.cases.test_joint_review import _in_review
from tests.e2e.test_case_journey import _sign_in, _sign_out

pytestmark = pytest.mark.e2e


def _opinion(page: Any, base: str, review_url: str, username: str, kind: str, **texts: str) -> None:
    _sign_in(page, base, username)
    page.goto(review_url)
    page.get_by_test_id("opinion-entry").get_by_label(kind, exact=True).check()
    for label, text in texts.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="提交本部门意见").click()
    page.get_by_test_id("joint-state").wait_for()
    _sign_out(page)


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
def test_one_meeting_one_form_one_decision(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    agenda, _ = _in_review()
    publication = agenda[0]

    _sign_in(page, base, "reviewer")
    page.goto(f"{base}/workbench/cases/{publication.pk}/")
    page.get_by_role("link", name="发起联合审查").click()
    page.get_by_label("会议时间").fill("2026-03-04T09:30")
    page.get_by_label("会议地点或线上会议链接").fill("市民中心三楼联审室")
    page.get_by_role("button", name="发起联合审查").click()
    assert page.get_by_test_id("joint-state").get_attribute("data-state") == "open"
    review_url = page.url
    rows = page.get_by_test_id("opinion-row")
    assert rows.count() == 4  # the lead and the three departments
    page.get_by_test_id("opinion-entry").get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交本部门意见").click()
    page.get_by_role("button", name="汇总意见表").click()
    assert "尚有部门未提交意见" in page.get_by_test_id("errors").inner_text()
    _sign_out(page)

    _opinion(page, base, review_url, "reviewer_whlv", "同意")
    _opinion(
        page,
        base,
        review_url,
        "reviewer_sthj",
        "有条件同意",
        **{
            "条件（有条件同意时必填）": "油烟须经净化后排放",
            "依据（有条件同意或不同意时必填）": "《中华人民共和国环境影响评价法》第二十二条",
        },
    )
    _opinion(page, base, review_url, "reviewer_cgj", "同意")

    _sign_in(page, base, "reviewer")
    page.goto(review_url)
    opinions = [r.get_attribute("data-opinion") for r in page.get_by_test_id("opinion-row").all()]
    assert sorted(opinions) == ["agree", "agree", "agree", "conditional"]
    page.get_by_role("button", name="汇总意见表").click()
    page.get_by_test_id("joint-decide").get_by_label("准予").check()
    page.get_by_role("button", name="作出决定").click()
    assert page.get_by_test_id("joint-state").get_attribute("data-state") == "decided"
    assert page.get_by_test_id("joint-decision").inner_text() == "准予"
    page.get_by_test_id("opinion-certificate").click()
    assert page.get_by_test_id("verify-status").get_attribute("data-status") == "valid"
