"""Journeys (issue 20, 好差评): a rating at the window's pad after the clerk finishes the
service; an online rating of a completed case; and a bad rating through the department's
callback, fix and feedback to the applicant's new rating, and an appeal decided outside the
department."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
import time_machine

from tests.e2e.test_case_journey import _sign_in, _sign_out
from tests.e2e.test_hall_journey import _device_page
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import ServiceItem
from tongban.demo.exchange_seed import demo_apply
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal, RatingPad
from tongban.ratings.services.pads import rating_pad_setup

pytestmark = pytest.mark.e2e
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _completed(key: str) -> Case:
    """张三's 个体工商户登记, applied for and taken to 办结 through the services."""
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="个体工商户登记")
    assert demo_apply(zhangsan, item, None, random.Random(key), key)  # noqa: S311
    case = Case.objects.get(idempotency_key=key)
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(username="reviewer")
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    case = lc.case_produce_result(case=case, actor=reviewer)
    if case.state == CaseState.RESULT_READY:
        case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=False)
    if case.state == CaseState.DELIVERED:
        case = lc.case_complete(case=case, actor=clerk)
    assert case.state == CaseState.COMPLETED
    return case


@time_machine.travel(MONDAY_10AM, tick=True)
def test_rating_at_the_pad_after_a_window_service(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    window = RatingPad.objects.get(device__name="市民中心1号窗口评价器").window
    RatingPad.objects.filter(window=window).delete()
    issued = rating_pad_setup(window=window, name="测试评价器")
    pad = _device_page(browser, base, issued.api_key)
    pad.wait_for_url(f"{base}/hall/rate/")
    pad.get_by_test_id("pad-idle").wait_for()

    # A person takes a ticket remotely, signed in; the clerk at window 1 serves it.
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/hall/xa-civic/")
    page.get_by_role("button", name="取号").first.click()
    page.get_by_test_id("ticket-number").wait_for()
    number = page.get_by_test_id("ticket-number").inner_text()
    _sign_out(page)
    _sign_in(page, base, "clerk")
    page.goto(f"{base}/hall/console/")
    page.get_by_test_id("console-window").select_option(
        label="西安市政务服务中心 · 1号窗口（综合受理）"
    )
    page.get_by_role("button", name="签到").click()
    page.get_by_test_id("console-call").click()
    assert page.get_by_test_id("console-number").inner_text() == number
    page.get_by_role("button", name="开始办理").click()
    page.get_by_role("button", name="办结", exact=True).click()
    page.get_by_text("窗口评价器已邀请办事人评价").wait_for()

    # The pad notices by itself (it polls) and shows who served, with their number.
    pad.get_by_test_id("pad-form").wait_for(timeout=15_000)
    clerk = pad.get_by_test_id("pad-clerk").inner_text()
    assert "赵窗口" in clerk and "工号" in clerk
    pad.get_by_text("分项评价与意见").click()
    pad.get_by_label("服务态度").select_option(label="非常满意")
    pad.get_by_test_id("pad-level-4").click()
    assert "感谢您的评价" in pad.get_by_test_id("pad-message").inner_text()
    pad.get_by_test_id("pad-idle").wait_for()
    rating = Rating.objects.get()
    assert (rating.kind, rating.level, rating.indicators) == ("visit", 4, {"attitude": 5})
    assert rating.rater == User.objects.get(username="zhangsan")
    assert rating.clerk == User.objects.get(username="clerk")


@time_machine.travel(MONDAY_10AM, tick=True)
def test_an_online_rating_from_the_case_page(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    case = _completed("e2e-online")
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/my/cases/{case.pk}/")
    panel = page.get_by_test_id("rating-panel")
    panel.get_by_test_id("rating-level-5").check()
    panel.get_by_label("办事效率").select_option(label="非常满意")
    panel.get_by_role("button", name="提交评价").click()
    page.wait_for_url("**/ratings/*/")
    assert page.get_by_test_id("rating-level").inner_text() == "非常满意"
    page.goto(f"{base}/my/cases/{case.pk}/")
    assert "非常满意" in page.get_by_test_id("rating-panel").inner_text()
    assert Rating.objects.get(case=case).indicators == {"efficiency": 5}


@time_machine.travel(MONDAY_10AM, tick=True)
def test_a_bad_rating_is_called_back_fixed_rerated_and_another_appealed(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    case = _completed("e2e-bad")
    other = _completed("e2e-bad-2")
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/ratings/case/{case.pk}/")
    page.get_by_test_id("rating-level-1").check()
    page.get_by_role("button", name="提交评价").click()
    # A bad rating must say why: the page names the field and keeps nothing.
    assert "请说明不满意的原因" in page.content()
    page.get_by_test_id("rating-level-1").check()
    page.get_by_label("评价内容").fill("窗口说法前后不一，让我多跑了一趟")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url("**/ratings/*/")
    assert page.get_by_test_id("rating-task-state").inner_text() == "待回访"
    page.goto(f"{base}/ratings/case/{other.pk}/")
    page.get_by_test_id("rating-level-2").check()
    page.get_by_label("评价内容").fill("我就是不高兴")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url("**/ratings/*/")

    staff = browser.new_context(locale="zh-CN").new_page()
    staff.set_default_timeout(10_000)
    _sign_in(staff, base, "reviewer")
    staff.goto(f"{base}/manage/ratings/")
    first = BadRatingTask.objects.get(rating__case=case)
    staff.goto(f"{base}/manage/ratings/tasks/{first.pk}/")
    staff.get_by_test_id("reveal-contact").click()
    assert staff.get_by_test_id("rater-phone").inner_text().startswith("138")
    staff.get_by_label("回访记录").fill("已致电张三，致歉并了解情况")
    staff.get_by_role("button", name="保存回访").click()
    staff.get_by_label("核实说明").fill("窗口一次性告知不到位，情况属实")
    staff.get_by_role("button", name="情况属实，进入整改").click()
    staff.get_by_label("整改措施").fill("窗口人员一次性告知培训，补充告知单")
    staff.get_by_label("整改佐证（立行立改时必填）").fill("培训签到表、新版告知单")
    staff.get_by_role("button", name="立行立改").click()
    assert staff.get_by_test_id("task-state").inner_text() == "已办结"

    # The second one the department holds malicious: it appeals; the admin decides.
    second = BadRatingTask.objects.get(rating__case=other)
    staff.goto(f"{base}/manage/ratings/tasks/{second.pk}/")
    staff.get_by_label("申诉理由").fill("评价人当场表示因个人情绪给差评，与服务无关")
    staff.get_by_role("button", name="提交申诉").click()
    assert "待复核" in staff.get_by_test_id("appeal").inner_text()

    admin = browser.new_context(locale="zh-CN").new_page()
    admin.set_default_timeout(10_000)
    _sign_in(admin, base, "admin")
    admin.goto(f"{base}/manage/ratings/")
    appeals = admin.get_by_test_id("appeals")
    appeals.get_by_label("复核意见").fill("有现场录音为证，申诉成立")
    appeals.get_by_role("button", name="申诉成立（不计入统计）").click()
    assert RatingAppeal.objects.get().state == RatingAppeal.State.UPHELD

    # 张三 is told, in the message centre, and rates again.
    page.goto(f"{base}/messages/")
    told = page.get_by_test_id("message").filter(has_text="您的评价已处理").first
    told.get_by_role("button", name="查看").click()
    page.wait_for_url("**/ratings/*/")
    assert "立行立改" in page.get_by_test_id("rating-result").inner_text()
    form = page.get_by_test_id("rating-again-form")
    form.get_by_test_id("rating-level-4").check()
    form.get_by_role("button", name="提交评价").click()
    page.wait_for_url("**/ratings/*/")
    assert page.get_by_test_id("rating-level").inner_text() == "满意"

    admin.goto(f"{base}/ratings/figures/")
    city = admin.get_by_test_id("figures-city").inner_text()
    # Counted: the re-rating (满意); the appealed one is excluded; the first bad one was
    # called back and fixed.
    assert "评价数 1" in city and "好评率 100.0%" in city and "回访率 100.0%" in city
