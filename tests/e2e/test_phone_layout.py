"""Journey (issue 19, part 2): every page of the applicant's and the clerk's journeys fits the
screen, on a 360×740 phone and a 1366×900 desktop: no page is wider than the screen (tables
stack into cards on the phone), and on the phone the header collapses into a menu."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_case_journey import _sign_in
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case, CaseState
from tongban.catalog.models import Bundle, ServiceItem
from tongban.demo.passwords import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

SIZES = [(360, 740), (1366, 900)]


def _too_wide(page: Any, width: int, urls: list[str]) -> list[tuple[str, int]]:
    wide = []
    for url in urls:
        page.goto(url)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide.append((url, scroll))
    return wide


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_no_page_of_the_journeys_is_wider_than_the_screen(
    browser: Any, live_server: Any, live_demo_city_with_cases: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    width, height = size
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)

    item = ServiceItem.objects.filter(state="published", name="食品经营许可").first()
    assert item is not None
    # A demo resident with cases in every state (their password is the demo's pattern).
    case = (
        Case.objects.filter(applicant__username__startswith="demo-p", state=CaseState.COMPLETED)
        .select_related("applicant")
        .first()
    )
    assert case is not None
    person = case.applicant
    bundle = Bundle.objects.first()
    applicant_urls = [
        f"{base}/",
        f"{base}/guide/",
        f"{base}/guide/items/{item.code}/",
        f"{base}/guide/bundles/",
        f"{base}/guide/bundles/{bundle.code}/",
        f"{base}/apply/{item.code}/",
        f"{base}/hall/",
        f"{base}/hall/xa-civic/",
        f"{base}/certificates/verify/",
        f"{base}/me/",
        f"{base}/my/cases/",
        f"{base}/my/cases/{case.pk}/",
        f"{base}/my/certificates/",
        f"{base}/messages/",
        f"{base}/hall/appointments/",
        f"{base}/me/data-access/",
        f"{base}/accounts/me/",
    ]
    parent = BundleCase.objects.filter(applicant=person).first()
    if parent is not None:
        applicant_urls.append(f"{base}/my/bundles/{parent.pk}/")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(person.username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    if width < 600:
        # The header is one line with a menu button; the menu opens the links.
        header = page.locator("header.site").bounding_box()
        assert header is not None and header["height"] < 0.15 * height, header
        nav = page.get_by_role("link", name="我的办件")
        assert not nav.is_visible()
        page.get_by_test_id("menu-toggle").click()
        assert nav.is_visible()
    assert _too_wide(page, width, applicant_urls) == []
    if width < 600:
        page.goto(f"{base}/my/cases/{case.pk}/")
        assert page.get_by_test_id("case-steps").is_visible()
    page.get_by_test_id("menu-toggle").click() if width < 600 else None
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, "clerk")
    clerk_urls = [
        f"{base}/workbench/",
        f"{base}/workbench/cases/{case.pk}/",
        f"{base}/hall/console/",
        f"{base}/delivery/door/",
        f"{base}/messages/",
    ]
    assert _too_wide(page, width, clerk_urls) == []
    context.close()
