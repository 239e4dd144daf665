"""Journey (issue 21, part 2): the nearest open place for 社保卡申领, from the item guide with
the phone's location, and from 数小二's answer by district; late in the evening only the
24-hour self-service zones are open, and they come first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.e2e.test_case_journey import _sign_in

pytestmark = pytest.mark.e2e

MONDAY_10PM = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)  # 22:00 in Xi'an
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
XINCHENG = {"longitude": 108.9561, "latitude": 34.2681}


@time_machine.travel(MONDAY_10PM, tick=True)
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_nearest_open_place_from_the_guide_with_my_location(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": size[0], "height": size[1]},
        geolocation=XINCHENG,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/search/?q=社保卡")
    page.get_by_test_id("result-link").filter(has_text="社会保障卡申领").click()
    page.get_by_test_id("nearby-link").click()
    page.get_by_test_id("use-location").click()
    first = page.get_by_test_id("nearby-point").first
    first.wait_for()
    assert "24小时" in first.inner_text()
    assert first.get_by_test_id("nearby-open").count() == 1
    assert "步行约" in first.inner_text()
    # The street centre nearby is closed at night, and says when it opens.
    closed = page.get_by_test_id("nearby-point").filter(has_text="街道便民服务中心").first
    assert "现在未开放" in closed.inner_text() and "09:00 开放" in closed.inner_text()
    context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_the_nearest_open_place_from_shuxiaoer_by_district(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    page.goto(f"{live_server.url}/guide/ask/?q=办社保卡")
    page.get_by_test_id("ask-pick-item").filter(has_text="社会保障卡申领").click()
    page.get_by_test_id("ask-nearby").click()
    # The choice submits itself through the shared script, which is deferred: wait for the
    # page to load before choosing, or the change can come before the script listens.
    page.wait_for_url("**/nearby/**", wait_until="load")
    page.get_by_label("所在区县").select_option(label="新城区")
    page.wait_for_url("**district=**")
    first = page.get_by_test_id("nearby-point").first
    first.wait_for()
    assert "新城区" in first.inner_text() and "现在开放" in first.inner_text()
    assert page.get_by_test_id("nearby-results").get_by_text("现在开放").count() >= 3


def test_the_coverage_map_suggests_a_new_point(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    _sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/manage/servicemap/")
    page.get_by_label("事项").select_option(label="社会保障卡申领")
    page.wait_for_url("**item=000203002000**")
    page.locator("#coverage-map[data-ready='1'] canvas").first.wait_for()
    suggestions = page.get_by_test_id("coverage-suggestion")
    assert suggestions.count() == 3
    first = suggestions.first.inner_text()
    assert "+" in first
    gained = int(first.split("+")[-1].strip())
    assert gained > 0
    share = page.get_by_test_id("coverage-share").inner_text()
    assert share.endswith("%")
    # Asking for more suggestions gives more, each reaching fewer or as many people.
    page.get_by_label("建议新增服务点").fill("5")
    page.get_by_role("button", name="计算").click()
    page.wait_for_url("**suggest=5**")
    gains = [
        int(t.split("+")[-1]) for t in page.get_by_test_id("coverage-suggestion").all_inner_texts()
    ]
    assert len(gains) == 5 and gains == sorted(gains, reverse=True)
