"""Journeys (issue 21, part 1), at a desktop (1366×900) and a phone (390×844): "我想开一家书店"
typed in the home page's search leads to 开书店一件事 and its tailored material list; the same
through 数小二's questions; and 数小二 on the hall kiosk."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import device_rekey
from tongban.guide.models import GuideQuery

pytestmark = pytest.mark.e2e

SIZES = [(1366, 900), (390, 844)]


def _page(browser: Any, size: tuple[int, int]) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_a_bookstore_from_the_home_page_search_to_its_material_list(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    page = _page(browser, size)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-search").get_by_role("searchbox").fill("我想开一家书店")
    page.get_by_test_id("home-search").get_by_role("button", name="搜索").click()

    lead = page.get_by_test_id("search-lead")
    lead.wait_for()
    assert "开书店一件事" in lead.inner_text()
    assert "匹配" in lead.inner_text()  # it says why
    # The header's box (on every page) holds what was asked.
    assert page.get_by_test_id("site-search").get_by_role("searchbox").input_value() == (
        "我想开一家书店"
    )
    assert page.get_by_test_id("result-item").filter(has_text="出版物零售单位设立审批").count()

    page.get_by_test_id("lead-link").click()
    page.get_by_role("heading", name="开书店一件事").wait_for()
    materials = page.get_by_test_id("bundle-material")
    food = page.get_by_test_id("bundle-item").filter(has_text="食品经营许可")
    page.get_by_label("否").check()
    food.wait_for(state="detached")
    before = materials.count()
    page.get_by_label("是（如书店咖啡）").check()
    page.get_by_test_id("bundle-item").filter(has_text="食品经营许可").wait_for()
    assert materials.count() > before
    assert page.get_by_test_id("bundle-material").filter(has_text="平台获取").count() > 0
    assert GuideQuery.objects.get().opened == "bundle:open-bookstore"
    page.context.close()


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_a_bookstore_through_shuxiaoer_questions(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    page = _page(browser, size)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-ask").click()
    page.get_by_test_id("ask-form").get_by_role("textbox").fill("我想开一家书店")
    page.get_by_role("button", name="问数小二").click()

    page.get_by_test_id("ask-pick-bundle").filter(has_text="开书店一件事").click()
    page.get_by_text("是否兼营饮品或食品？").wait_for()
    page.get_by_role("link", name="是（如书店咖啡）").click()
    # Then the questions of the items that now apply, each once, until the answer.
    answer = page.get_by_test_id("ask-answer")
    for _ in range(6):
        if answer.count():
            break
        page.get_by_test_id("ask-option").last.click()
    answer.wait_for()
    assert page.get_by_test_id("ask-item").filter(has_text="食品经营许可").count() == 1
    assert page.get_by_test_id("ask-item").count() == 5
    assert page.get_by_test_id("ask-fetched").count() > 0
    answered = [t.inner_text() for t in page.get_by_test_id("ask-turn-person").all()]
    assert answered[0] == "我想开一家书店" and "是（如书店咖啡）" in answered

    # The answer links to the guide it came from, with the same situations chosen.
    page.get_by_test_id("ask-guide").click()
    page.get_by_role("heading", name="开书店一件事").wait_for()
    assert page.get_by_label("是（如书店咖啡）").is_checked()
    assert page.get_by_test_id("bundle-item").filter(has_text="食品经营许可").count() == 1
    page.go_back()
    page.get_by_test_id("ask-apply").click()
    page.get_by_test_id("bundle-login").wait_for()  # anonymous: sign in, then apply
    page.context.close()


def test_shuxiaoer_on_the_kiosk(browser: Any, live_server: Any, live_demo_city: None) -> None:
    device = DeviceIdentity.objects.get(name="市民中心自助机01")
    key = device_rekey(device=device).api_key
    page = _page(browser, (1080, 1920))
    page.goto(f"{live_server.url}/hall/device/")
    page.get_by_label("设备密钥").fill(key)
    page.get_by_role("button", name="登记").click()
    page.get_by_test_id("kiosk-ask-link").click()
    page.get_by_role("textbox").fill("shebaoka")
    page.get_by_role("button", name="问数小二").click()
    page.get_by_test_id("ask-pick-item").filter(has_text="社会保障卡申领").click()
    page.get_by_test_id("ask-answer").wait_for()
    page.get_by_test_id("ask-kiosk-ticket").wait_for()
    assert page.get_by_test_id("ask-apply").count() == 0  # the kiosk offers a ticket instead
    assert GuideQuery.objects.get().channel == "kiosk"
    page.context.close()
