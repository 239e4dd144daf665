"""Journeys (issue 23, 餐饮平面图制作): a noodle-shop owner draws the kitchen's plan from a
template instead of by hand — on a desk with a mouse, and on the hall kiosk's screen by touch —
fixes the flow violation the checker finds, exports the 1:100 PDF and submits it with the food
licence; the reviewer comments on a place in the plan and asks for a correction, which the
owner fixes in the editor."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.test_case_journey import _sign_in
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.models import ServiceItem
from tongban.demo.exchange_seed import demo_apply
from tongban.floorplans.models import FloorPlan

pytestmark = pytest.mark.e2e


class Hand:
    """Presses, drags and taps at plan coordinates (metres), by mouse or by touch."""

    def __init__(self, page: Any, touch: bool = False) -> None:
        self.page = page
        self.touch = touch
        self.cdp = page.context.new_cdp_session(page) if touch else None

    def at(self, x: float, y: float) -> tuple[float, float]:
        point = self.page.evaluate(f"window.floorplanEditor.toScreen({x}, {y})")
        return point["x"], point["y"]

    def _touch(self, kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = self.at(*start), self.at(*end)
        if self.touch:
            self._touch("touchStart", x0, y0)
            for step in range(1, 9):
                self._touch("touchMove", x0 + (x1 - x0) * step / 8, y0 + (y1 - y0) * step / 8)
            self._touch("touchEnd", x1, y1)
        else:
            self.page.mouse.move(x0, y0)
            self.page.mouse.down()
            self.page.mouse.move(x1, y1, steps=8)
            self.page.mouse.up()

    def tap(self, x: float, y: float) -> None:
        sx, sy = self.at(x, y)
        if self.touch:
            self.page.touchscreen.tap(sx, sy)
        else:
            self.page.mouse.click(sx, sy)


def _checked(page: Any) -> None:
    page.locator('#floorplan[data-checked="yes"]').wait_for()


def _break_and_fix(page: Any, hand: Hand) -> None:
    """The kitchen door moved down the wall; the raw materials' route taken through it."""
    hand.drag((7, 3.15), (7, 4.15))
    _checked(page)
    page.get_by_test_id("fp-finding").filter(has_text="穿过了墙体").wait_for()
    hand.tap(9.5, 1)
    hand.drag((8.5, 3.5), (8.5, 4.5))
    _checked(page)
    hand.drag((5.5, 3.5), (5.5, 4.5))
    _checked(page)
    assert page.get_by_test_id("fp-verdict").inner_text() == "通过全部约束性规则"


def _draw_the_noodle_shop(page: Any, base: str, draft: Case, hand: Hand) -> None:
    """From the draft: open the tool, start from the noodle shop, break and fix the raw
    materials' route, export the PDF, attach the plan."""
    page.goto(f"{base}/my/cases/{draft.pk}/continue/")
    page.get_by_test_id("floorplan-start").click()
    page.get_by_test_id("starter-noodle").click()
    page.get_by_test_id("floorplan-editor").wait_for()
    _checked(page)
    assert page.get_by_test_id("fp-verdict").inner_text() == "通过全部约束性规则"

    # The owner moves the kitchen door one metre down the wall, as in their premises; the
    # checker finds the raw materials' route through a wall; they take it through the door.
    _break_and_fix(page, hand)
    assert page.get_by_test_id("fp-finding").count() == 0

    # The PDF, saved first: the drawing at 1:100, the rooms, the equipment, the verdict.
    with page.expect_popup() as popup:
        page.get_by_test_id("fp-pdf").click()
    popup.value.close()
    plan = FloorPlan.objects.filter(owner=draft.applicant).latest("created_at")
    assert plan.revision == 2 and plan.passed
    answer = page.request.get(f"{base}/tools/floorplan/{plan.pk}/plan.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
    for expected in ("比例 1:100", "通过全部约束性规则", "烹饪间", "消毒柜", "原料入口流线"):
        assert expected in text, expected

    page.get_by_test_id("fp-attach").click()
    page.get_by_text("平面布局图已附入申请").wait_for()
    assert page.get_by_test_id("made-with-tool").count() == 1
    assert "已通过自动核验" in page.get_by_test_id("floorplan-draft").inner_text()


def _apply(page: Any, base: str, key: str, hand: Hand) -> Case:
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="食品经营许可")

    def draw(draft: Case) -> None:
        _sign_in(page, base, "zhangsan")
        _draw_the_noodle_shop(page, base, draft, hand)

    case = demo_apply(
        zhangsan,
        item,
        zhangsan.enterprises.get(name="西安某某书店有限公司"),
        random.Random(key),  # noqa: S311
        key,
        situations={"business": "catering", "premises": "rent"},
        before_submit=draw,
    )
    assert case is not None and case.state == "submitted"
    row = CaseMaterial.objects.get(case=case, material__kind__code="catering-layout")
    assert row.provenance["kind"] == "tool" and row.provenance["revision"] == 2
    return case


def test_a_noodle_shop_plan_drawn_at_a_desk(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    _apply(page, live_server.url, "plan-desk", Hand(page))


def test_the_same_plan_by_touch_on_the_hall_kiosk_then_claimed_online(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    """At the hall's kiosk, by touch and without signing in: the noodle shop from its
    template, the flow fixed, the plan printed with its 取图码. At home the owner signs in,
    claims the plan with the code and attaches it to the food-licence application."""
    from tongban.accounts.models import DeviceIdentity
    from tongban.accounts.services import device_register
    from tongban.hall.models import Hall
    from tongban.hall.services.setup import hall_device_place

    base = live_server.url
    key = device_register(kind=DeviceIdentity.Kind.KIOSK, name="绘图自助机")
    hall_device_place(device=key.device, hall=Hall.objects.get(code="xa-civic"))
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1080, "height": 1920}, has_touch=True
    )
    kiosk = context.new_page()
    kiosk.set_default_timeout(10_000)
    try:
        kiosk.goto(f"{base}/hall/device/")
        kiosk.get_by_label("设备密钥").fill(key.api_key)
        kiosk.get_by_role("button", name="登记").click()
        kiosk.wait_for_url(f"{base}/hall/kiosk/")
        kiosk.get_by_test_id("kiosk-floorplan-link").tap()
        kiosk.get_by_test_id("kiosk-starter-noodle").tap()
        kiosk.get_by_test_id("floorplan-editor").wait_for()
        _checked(kiosk)
        _break_and_fix(kiosk, Hand(kiosk, touch=True))
        kiosk.get_by_test_id("fp-kiosk-finish").tap()
        message = kiosk.get_by_test_id("kiosk-message").inner_text()
        code = message.split("取图码：", 1)[1][:9]
        printout = kiosk.request.get(f"{base}/hall/kiosk/printout.pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printout.body())).pages)
        for expected in ("比例 1:100", code, "通过全部约束性规则", "烹饪间"):
            assert expected in text, expected
        kiosk.get_by_role("link", name="完成").tap()
        kiosk.wait_for_url(f"{base}/hall/kiosk/")
    finally:
        context.close()
    plan = FloorPlan.objects.get(owner__isnull=True)
    assert plan.revision == 2 and plan.passed and plan.device_id == key.device.pk

    zhangsan = User.objects.get(username="zhangsan")

    def claim_and_attach(draft: Case) -> None:
        _sign_in(page, base, "zhangsan")
        page.goto(f"{base}/my/cases/{draft.pk}/continue/")
        page.get_by_test_id("floorplan-start").click()
        form = page.get_by_test_id("claim-form")
        form.get_by_label("取图码（见打印的平面图）").fill(code.lower())
        form.get_by_role("button", name="领取平面图").click()
        page.get_by_text("已领取自助机上绘制的平面图").wait_for()
        _checked(page)
        page.get_by_test_id("fp-attach").click()
        page.get_by_text("平面布局图已附入申请").wait_for()

    case = demo_apply(
        zhangsan,
        ServiceItem.objects.get(state="published", name="食品经营许可"),
        zhangsan.enterprises.get(name="西安某某书店有限公司"),
        random.Random("plan-kiosk"),  # noqa: S311
        "plan-kiosk",
        situations={"business": "catering", "premises": "rent"},
        before_submit=claim_and_attach,
    )
    assert case is not None and case.state == "submitted"
    plan.refresh_from_db()
    assert plan.owner == zhangsan and plan.case == case and not plan.claim_digest
    row = CaseMaterial.objects.get(case=case, material__kind__code="catering-layout")
    assert row.provenance["plan"] == plan.pk


def test_the_reviewer_asks_for_a_correction_on_a_place_in_the_plan(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    from tongban.cases.services import lifecycle as lc
    from tongban.floorplans.services import plan_attach, plan_create

    base = live_server.url
    zhangsan = User.objects.get(username="zhangsan")

    def with_plan(draft: Case) -> None:
        plan = plan_create(owner=zhangsan, template="noodle")
        plan_attach(plan=plan, actor=zhangsan, case=draft)

    case = demo_apply(
        zhangsan,
        ServiceItem.objects.get(state="published", name="食品经营许可"),
        zhangsan.enterprises.get(name="西安某某书店有限公司"),
        random.Random("plan-review"),  # noqa: S311
        "plan-review",
        situations={"business": "catering", "premises": "rent"},
        before_submit=with_plan,
    )
    assert case is not None
    lc.case_start_pre_review(case=case, actor=User.objects.get(username="clerk"))

    # The reviewer sees the plan, points at the washing room and writes what to fix.
    _sign_in(page, base, "reviewer")
    page.goto(f"{base}/workbench/cases/{case.pk}/")
    panel = page.get_by_test_id("floorplan-case")
    panel.get_by_test_id("plan-svg").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
          const svg = document.querySelector('[data-testid="plan-svg"]');
          const p = svg.createSVGPoint(); p.x = 5.5; p.y = 6.5;
          const s = p.matrixTransform(svg.getScreenCTM());
          return {x: s.x, y: s.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    assert panel.get_by_label("x").input_value() == "5.5"
    panel.get_by_label("意见").fill("请标注洗消间地漏位置")
    panel.get_by_role("button", name="标注意见").click()
    page.get_by_text("已在平面图上标注意见").wait_for()
    assert "请标注洗消间地漏位置" in page.get_by_test_id("plan-comments").inner_text()
    page.get_by_test_id("floorplan-case").get_by_role("button", name="要求补正平面布局图").click()
    page.get_by_text("已要求申请人补正平面布局图").wait_for()
    case.refresh_from_db()
    assert case.state == "correction"

    # The owner opens the plan from the application, sees the comment, adds the drain.
    owner = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    applicant = owner.new_page()
    applicant.set_default_timeout(10_000)
    try:
        _sign_in(applicant, base, "zhangsan")
        applicant.goto(f"{base}/my/cases/{case.pk}/")
        applicant.get_by_test_id("plan-fix-open").click()
        _checked(applicant)
        assert "请标注洗消间地漏位置" in applicant.get_by_test_id("fp-comments").inner_text()
        hand = Hand(applicant)
        hand.tap(6.5, 6.2)  # the washing room, between its sink and its cabinets
        applicant.get_by_text("设备设施", exact=True).click()
        applicant.get_by_test_id("fp-add-floor_drain").click()
        _checked(applicant)
        applicant.get_by_test_id("fp-save").click()
        applicant.locator('#floorplan[data-revision="2"]').wait_for()
        applicant.get_by_test_id("fp-attach").click()
        applicant.get_by_text("平面布局图已附入申请").wait_for()
        applicant.get_by_test_id("resubmit-form").get_by_role("button", name="提交补正").click()
        applicant.get_by_test_id("resubmit-form").wait_for(state="detached")
    finally:
        owner.close()
    case.refresh_from_db()
    assert case.state == "submitted"  # back to the window, which asked before accepting
    plan = FloorPlan.objects.get(case=case)
    assert plan.attached_revision == 2
    drains = [e for e in plan.data["equipment"] if e["kind"] == "floor_drain"]
    assert len(drains) == 2
