"""Journey: an applicant applies online for the food licence; a reviewer asks for correction;
the applicant fixes it; the case is accepted, reviewed, decided, delivered and completed; the
applicant's timeline shows every step with its working-day deadlines."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tongban.core.synthetic import make_pdf
from tongban.demo.passwords import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()


def _act(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
def test_apply_correct_accept_decide_complete(
    page: Any, live_server: Any, live_demo_city: None, tmp_path: Path
) -> None:
    base = live_server.url
    rules_pdf = tmp_path / "制度目录.pdf"
    rules_pdf.write_bytes(make_pdf("food safety rules"))

    # The applicant finds the item and applies online.
    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/guide/?event=open-shop")
    page.get_by_role("link", name="食品经营许可", exact=True).click()
    page.get_by_test_id("apply").click()
    page.get_by_role("button", name="开始申请").click()
    page.get_by_role("button", name="提交申请").wait_for()  # the whole page, not its first bytes
    # The platform obtained the licence, the ID and the property certificate; it says where from.
    resolved = page.locator("[data-testid=material-row][data-resolved=yes]")
    assert resolved.count() == 4  # and the application form, filled online, is its material
    assert page.get_by_test_id("by-form").count() == 1
    provenance = resolved.get_by_test_id("provenance").all_inner_texts()
    assert any("营业执照登记信息" in p for p in provenance)
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("errors").is_visible()  # nothing attached yet: named errors
    # The application form: the enterprise and the applicant come from the account.
    assert page.get_by_test_id("prefilled-company_name").inner_text() == "来自：实名账户"
    assert page.get_by_label("经营者名称").input_value()
    assert page.get_by_label("公民身份号码").get_attribute("readonly") is not None
    page.get_by_label("经营场所地址").fill("陕西省西安市雁塔区示例路1号")
    page.get_by_label("经营场所所在区县").fill("610113")
    page.get_by_label("经营场所面积").fill("80")
    page.get_by_label("主体业态").select_option("shop")
    assert page.get_by_label("食品经营许可申请书").count() == 0  # never uploaded
    page.get_by_label("食品安全管理制度目录").set_input_files(str(rules_pdf))
    page.get_by_test_id("delivery-choose").get_by_label(re.compile("窗口领取")).check()
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("case-state").inner_text() == "已提交"
    case_url = page.url
    _sign_out(page)

    # The reviewer of the market regulator asks for a correction.
    _sign_in(page, base, "reviewer")
    page.get_by_role("link", name="工作台").click()
    page.get_by_test_id("work-row").first.get_by_role("link").click()
    _act(page, "开始预审")
    page.get_by_label("食品安全管理制度目录").fill("目录缺少进货查验制度")
    _act(page, "要求补正")
    assert page.get_by_test_id("case-state").inner_text() == "待补正"
    workbench_case_url = page.url
    _sign_out(page)

    # The applicant sees what to do and resubmits the same case.
    _sign_in(page, base, "zhangsan")
    page.goto(case_url)
    assert "补正" in page.get_by_test_id("next-step").inner_text()
    page.get_by_label("食品安全管理制度目录（目录缺少进货查验制度）").set_input_files(
        str(rules_pdf)
    )
    _act(page, "提交补正")
    assert page.get_by_test_id("case-state").inner_text() == "已提交"
    _sign_out(page)

    # The reviewer accepts, reviews, decides, produces the result, delivers, completes.
    _sign_in(page, base, "reviewer")
    page.goto(workbench_case_url)
    _act(page, "开始预审")
    _act(page, "受理")
    assert page.get_by_test_id("case-number").inner_text().startswith("TB20260302")
    _act(page, "开始审查")
    _act(page, "作出决定")
    _act(page, "制作办理结果")
    page.get_by_label("送达方式").select_option("mail")
    _act(page, "送达")
    _act(page, "办结")
    assert page.get_by_test_id("case-state").inner_text() == "已办结"
    _sign_out(page)

    # The applicant's timeline shows every step and the working-day deadline.
    _sign_in(page, base, "zhangsan")
    page.goto(case_url)
    steps = page.get_by_test_id("event").all_inner_texts()
    labels = [s.split(" ")[0].split("\n")[0] for s in steps]
    assert labels == [
        "创建申请",
        "提交申请",
        "选择领取方式",
        "开始预审",
        "要求补正",
        "补正后重新提交",
        "开始预审",
        "受理",
        "开始审查",
        "作出决定",
        "制作办理结果",
        "签发电子证照",
        "送达",
        "办结",
    ]
    # The result is the signed food business licence, on the case page.
    assert "食品经营许可证" in page.get_by_test_id("certificate").inner_text()
    # Accepted Monday 2026-03-02 with an 11-working-day promise: due Tuesday 03-17.
    assert page.get_by_test_id("promised-due").inner_text() == "03-17"
    assert "目录缺少进货查验制度" in page.get_by_test_id("timeline").inner_text()
