"""Journey (issue 19, parts 6 and 6b): the hall's devices behave, on a landscape and a portrait
kiosk, a board and a phone. Opened from English browsers set to another time zone, the kiosk and
the board speak Chinese and the board's clock shows Xi'an time; one person switches the kiosk to
English, takes a ticket (printed on the kiosk's receipt printer) and the kiosk is Chinese again
for the next; a recalled ticket keeps one row on the board, marked 重呼; the portrait kiosk fills
its screen with touch targets of at least 2 cm; booking an appointment asks to confirm the date,
time, category and what to bring."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.e2e.test_case_journey import _sign_in
from tongban.accounts.models import DeviceIdentity, User
from tongban.accounts.services import device_rekey
from tongban.hall.models import Hall, PrintJob
from tongban.hall.services import console as c

pytestmark = pytest.mark.e2e

MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
TWO_CM = 75  # CSS pixels (1 cm = 37.8 px)


def _english_device(browser: Any, base: str, name: str, size: tuple[int, int]) -> Any:
    device = DeviceIdentity.objects.get(name=name)
    key = device_rekey(device=device).api_key
    context = browser.new_context(
        locale="en-US",
        timezone_id="America/New_York",
        viewport={"width": size[0], "height": size[1]},
    )
    screen = context.new_page()
    screen.set_default_timeout(10_000)
    screen.goto(f"{base}/hall/device/")
    screen.get_by_label("设备密钥").fill(key)
    screen.get_by_role("button", name="登记").click()
    return screen


def _small_targets(screen: Any) -> list[str]:
    return screen.evaluate(
        f"""() => Array.from(document.querySelectorAll("button, a.key"))
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < {TWO_CM})
            .map(e => e.textContent.trim())"""
    )


@time_machine.travel(MONDAY_10AM, tick=True)
@pytest.mark.parametrize("size", [(1366, 900), (1080, 1920)], ids=["landscape", "portrait"])
def test_kiosk_speaks_the_halls_language_fills_its_screen_and_prints_the_ticket(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    base = live_server.url
    kiosk = _english_device(browser, base, "市民中心自助机01", size)
    kiosk.wait_for_url(f"{base}/hall/kiosk/")
    assert kiosk.locator("html").get_attribute("lang") == "zh-Hans"
    assert "自助取号" in kiosk.locator("h1").inner_text()
    assert _small_targets(kiosk) == []
    if size[1] > size[0]:  # portrait: the tiles fill the screen, not its top third
        bottom = kiosk.evaluate(
            """() => Math.max(...Array.from(document.querySelectorAll("button.category"))
                .map(b => b.getBoundingClientRect().bottom))"""
        )
        assert bottom > 0.6 * size[1], bottom
    # One person switches to English …
    kiosk.get_by_test_id("kiosk-language").click()
    assert "Take a ticket" in kiosk.locator("h1").inner_text()
    kiosk.get_by_test_id("kiosk-category-A").click()
    assert kiosk.get_by_test_id("kiosk-number").inner_text() == "A001"
    kiosk.get_by_test_id("kiosk-printed").wait_for()
    job = PrintJob.objects.get(kind=PrintJob.Kind.TICKET)
    assert "A001" in job.text and job.status == PrintJob.Status.PRINTED
    # … and the kiosk is Chinese again for the next.
    kiosk.get_by_role("link", name="Done").click()
    assert "自助取号" in kiosk.locator("h1").inner_text()
    kiosk.context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_board_keeps_one_row_per_ticket_and_shows_xian_time(
    browser: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    hall = Hall.objects.get(code="xa-civic")
    board = _english_device(browser, base, "市民中心叫号屏01", (1920, 1080))
    board.wait_for_url(f"{base}/hall/board/")
    board.get_by_test_id("board-status").filter(has_text="已连接").wait_for()
    assert board.locator("th").all_inner_texts() == ["号码", "窗口"]
    clock = board.get_by_test_id("board-clock").inner_text()
    # The browser's own clock is the machine's (not the test's travelled one).
    real = time_machine.escape_hatch.time.time()
    xian = dt.datetime.fromtimestamp(real, dt.UTC) + dt.timedelta(hours=8)
    assert clock[:2] == f"{xian:%H}", clock  # New York is 12 or 13 hours behind

    clerk = User.objects.get(username="clerk")
    window = hall.windows.get(number=1)
    c.window_sign_in(user=clerk, window=window)
    kiosk = hall.devices.get(device__kind=DeviceIdentity.Kind.KIOSK).device
    from tongban.hall.models import Ticket
    from tongban.hall.services.tickets import ticket_issue

    category = hall.categories.get(letter="A")
    first = ticket_issue(hall=hall, category=category, source=Ticket.Source.KIOSK, device=kiosk)
    ticket_issue(hall=hall, category=category, source=Ticket.Source.KIOSK, device=kiosk)
    c.ticket_call_next(user=clerk)
    rows = board.locator("[data-testid=board-calls] tr")
    rows.filter(has_text="A001").wait_for()
    for _ in range(2):
        c.ticket_recall(user=clerk, ticket_id=first.pk)
    board.locator("[data-testid=board-calls] .recalled").wait_for()
    board.wait_for_function(
        "() => document.querySelectorAll('[data-testid=board-calls] tr').length === 1"
    )
    assert "重呼" in rows.first.inner_text() and rows.count() == 1
    c.ticket_no_show(user=clerk, ticket_id=first.pk)
    c.ticket_call_next(user=clerk)
    rows.filter(has_text="A002").wait_for()
    assert [r.split()[0] for r in rows.all_inner_texts()] == ["A002", "A001"]
    board.context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_an_appointment_is_booked_only_after_confirming_what_and_when(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    from tongban.hall.services.appointments import slots_ensure

    base = live_server.url
    slots_ensure(Hall.objects.get(code="xa-civic"))  # what the sweep does each day
    context = browser.new_context(locale="zh-CN", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/hall/xa-civic/")
    page.get_by_test_id("book-B").click()
    page.get_by_test_id("slot").first.click()
    confirm = page.get_by_test_id("book-confirm")
    assert "企业开办" in confirm.inner_text() and "身份证件" in confirm.inner_text()
    when = page.get_by_test_id("book-confirm-time").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    page.get_by_test_id("book-confirm-submit").click()
    page.wait_for_url(f"{base}/hall/appointments/")
    assert when.split("–")[0] in page.content()
    context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_console_lists_the_callers_cases_for_one_click_acceptance(
    browser: Any, live_server: Any, live_demo_city: None, size: tuple[int, int]
) -> None:
    """Issue 19, part 4: after calling a ticket, the window sees the caller's open cases and
    appointments, and accepts one without typing its number."""
    import random

    from tongban.cases.models import Case
    from tongban.cases.services.submission import case_save_draft, case_submit
    from tongban.catalog.models import ServiceItem
    from tongban.forms.services import item_form
    from tongban.forms.synthetic import fill_form
    from tongban.hall.models import Ticket
    from tongban.hall.services.tickets import ticket_issue

    base = live_server.url
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name__startswith="出版物零售单位设立审批")
    draft = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.first(),
        idempotency_key="console-caller",
        situations={"premises": "own"},
    )
    form = fill_form(item_form(item), draft.situations, {}, random.Random(4))  # noqa: S311
    case = case_submit(case=draft, actor=zhangsan, form_data=form, files={})
    hall = Hall.objects.get(code="xa-civic")
    ticket_issue(
        hall=hall,
        category=hall.categories.get(letter="B"),
        source=Ticket.Source.REMOTE,
        applicant=zhangsan,
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(10_000)
    _sign_in(page, base, "clerk")
    page.goto(f"{base}/hall/console/")
    page.get_by_test_id("console-window").select_option(
        label="西安市政务服务中心 · 4号窗口（企业开办）"
    )
    page.get_by_role("button", name="签到").click()
    page.get_by_test_id("console-call").click()
    caller = page.get_by_test_id("caller")
    assert item.name in caller.inner_text()
    page.get_by_role("button", name="开始办理").click()
    page.get_by_test_id("caller-accept").first.click()
    assert page.get_by_text("已受理并关联本号").is_visible()
    assert Case.objects.get(pk=case.pk).state == "accepted"
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    context.close()
