"""Journeys (issue 19, parts 1, 3, 4, 5 and 7), each at a desktop (1366×900) and a phone
(390×844): 张三 applies for the publication permit and is never asked to upload the form he
fills online; the guide offers the blank form and a sample, says 无需提交 and the hall's hours;
the case page shows the steps and a timeline without repeated labels; /me/ is his home; a clerk
finds the case by typing his ID number; errors are the portal's own pages; the bookstore
bundle, started for his registered company, does not register it again."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_case_journey import _sign_in
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.e2e

SIZES = [(1366, 900), (390, 844)]


def _page(browser: Any, size: tuple[int, int]) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _sign_out(page: Any, phone: bool) -> None:
    if phone:
        page.get_by_test_id("menu-toggle").click()
    page.get_by_role("button", name="退出").click()


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_apply_without_uploading_the_form_follow_the_steps_and_be_found_by_the_clerk(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    phone = size[0] < 600
    page = _page(browser, size)
    item = ServiceItem.objects.get(state="published", name__startswith="出版物零售单位设立审批")

    # The guide: the form is filled online (blank form and sample offered), fetched materials
    # need nothing, and the hall's hours are stated.
    page.goto(f"{base}/guide/items/{item.code}/")
    assert page.get_by_test_id("form-blank").is_visible()
    assert page.get_by_test_id("by-form").count() == 1
    assert "0 / 0" not in page.content()
    assert "西安市政务服务中心" in page.get_by_test_id("guide-hours").inner_text()
    sample = page.request.get(f"{base}/guide/items/{item.code}/form-sample.pdf")
    assert sample.status == 200 and sample.headers["content-type"] == "application/pdf"

    # 张三 applies: nothing to upload; the form is prefilled from the account and 户籍.
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/guide/items/{item.code}/")
    page.get_by_test_id("apply").click()
    page.get_by_role("button", name="开始申请").click()
    page.get_by_role("button", name="提交申请").wait_for()
    assert page.locator("[data-testid=material-row][data-resolved=no]").count() == 0
    assert page.locator("input[type=file]").count() == 0
    page.get_by_test_id("delivery-choose").get_by_label(re.compile("电子证照")).check()
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("case-state").inner_text() == "已提交"
    case = Case.objects.filter(applicant__username="zhangsan").order_by("-pk").first()
    assert case is not None

    # The case page: where he is, and what happens next; no line repeats its label.
    assert page.get_by_test_id("current-step").inner_text().strip() == "受理"
    assert "窗口正在审核" in page.get_by_test_id("step-next").inner_text()
    assert "申请单位" in page.get_by_test_id("case-applicant").inner_text()
    events = page.get_by_test_id("event").all_inner_texts()
    assert not [e for e in events if e.count("提交申请") > 1 or e.count("创建申请") > 1]
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]

    # His home.
    page.goto(f"{base}/me/")
    assert item.name in page.get_by_test_id("me-cases").inner_text()
    _sign_out(page, phone)

    # The clerk types his ID number into the one search box and finds the case.
    _sign_in(page, base, "clerk")
    page.goto(f"{base}/workbench/")
    number = str(User.objects.get(username="zhangsan").id_number)
    page.get_by_test_id("case-search-q").fill(number)
    page.get_by_role("button", name="查找").click()
    summary = page.get_by_test_id("search-summary").inner_text()
    assert "找到" in summary and number not in page.content()
    assert page.get_by_test_id("work-row").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    page.context.close()


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_errors_are_the_portals_own_pages(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    page = _page(browser, size)
    missing = page.goto(f"{base}/no-such-page/")
    assert missing is not None and missing.status == 404
    assert page.locator("header.site").is_visible() and "页面不存在" in page.content()
    page.get_by_role("link", name="回到首页").click()
    page.wait_for_url(f"{base}/")
    _sign_in(page, base, "steward")
    refused = page.goto(f"{base}/manage/catalog/")
    assert refused is not None and refused.status == 403
    assert "仅系统管理员和大厅管理员可查看" in page.get_by_role("alert").inner_text()
    icon = page.request.get(f"{base}/favicon.ico")
    assert icon.status == 200 and "svg" in icon.headers["content-type"]
    page.context.close()


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_a_registered_company_starts_the_bundle_without_registering_again(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    page = _page(browser, size)
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/guide/bundles/open-bookstore/?s_drinks=yes")
    page.get_by_label("申请企业").select_option(label="西安某某书店有限公司")
    page.get_by_role("button", name="按所选情形一次申请").click()
    page.get_by_role("button", name="一次提交").wait_for()
    assert page.get_by_test_id("bundle-child").count() == 4
    held = page.get_by_test_id("bundle-held")
    assert held.count() == 1 and "已持有，无需再办" in held.inner_text()
    assert "企业设立登记" in held.inner_text()
    # The licence the other items need is fetched, not asked: no upload row for it.
    rows = page.get_by_test_id("bundle-material-row")
    licence = rows.filter(has_text="营业执照")
    assert licence.count() == 1 and licence.locator("input[type=file]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_an_english_browser_reads_the_portal_in_english(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    context = browser.new_context(locale="en-US", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Opening a shop (bookstore, catering)" in page.locator("main").inner_text()
    food = ServiceItem.objects.get(state="published", name="食品经营许可")
    page.goto(f"{base}/guide/items/{food.code}/")
    assert page.locator("h1").inner_text() == "Food business licence"
    assert "Xi'an Administration for Market Regulation" in page.locator("main").inner_text()
    page.goto(f"{base}/guide/bundles/open-bookstore/")
    assert page.locator("h1").inner_text() == "Open a bookstore — one application"
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    context.close()
