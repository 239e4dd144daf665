"""Journeys (issue 22, 现场核查): a catering shop's food-licence inspection, booked by the
applicant on a phone, given two inspectors by the department's reviewer, and carried out on
the inspectors' phones, through a dropped connection and an answer lost on the way back:
every entry arrives exactly once."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
import time_machine

from tests.e2e.test_case_journey import _sign_in
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import ServiceItem
from tongban.demo.exchange_seed import demo_apply
from tongban.field.models import FieldWrite, Inspection, InspectionEntry, VisitSignature

pytestmark = pytest.mark.e2e
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
PHONE = {"width": 390, "height": 844}


def _phone(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _accepted_catering_case() -> Case:
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="食品经营许可")
    enterprise = zhangsan.enterprises.get(name="西安某某书店有限公司")
    case = demo_apply(
        zhangsan,
        item,
        enterprise,
        random.Random("field"),  # noqa: S311
        "field-journey",
        situations={"business": "catering", "premises": "rent"},
    )
    assert case is not None
    clerk = User.objects.get(username="clerk")
    case = lc.case_start_pre_review(case=case, actor=clerk)
    return lc.case_accept(case=case, actor=clerk)


def _draw(page: Any, form: Any) -> None:
    """A signature drawn with a finger (the mouse: pointer events) on the form's canvas."""
    canvas = form.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (step % 3) * 15 - 15)
    page.mouse.up()


def _outbox(page: Any, count: int) -> None:
    """Wait until `count` writes wait in the phone's outbox."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("outbox-count")).to_have_text(str(count), timeout=20_000)


def _synced(page: Any) -> None:
    _outbox(page, 0)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_an_inspection_on_the_phone_survives_a_dropped_connection(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    case = _accepted_catering_case()
    inspection = Inspection.objects.get(case=case)
    checks = [c["code"] for c in inspection.checklist]
    assert "special-room" in checks

    # The applicant books the visit on a phone.
    applicant = _phone(browser)
    _sign_in(applicant, base, "zhangsan")
    applicant.goto(f"{base}/my/cases/{case.pk}/")
    panel = applicant.get_by_test_id("inspection-panel")
    panel.get_by_test_id("inspection-slot-form").get_by_role("button", name="预约").click()
    applicant.get_by_text("已预约现场核查时间").wait_for()

    # The department's reviewer names two inspectors.
    _sign_in(page, base, "reviewer")
    page.goto(f"{base}/workbench/cases/{case.pk}/")
    form = page.get_by_test_id("inspection-assign-form")
    form.get_by_label("陈核查", exact=False).check()
    form.get_by_label("魏核查", exact=False).check()
    form.get_by_role("button", name="指派").click()
    page.get_by_text("已指派核查人员").wait_for()
    assert page.get_by_test_id("inspection-time").is_visible()

    # At the site: the connection drops while the inspector records the checklist.
    phone = _phone(browser)
    _sign_in(phone, base, "inspector")
    phone.goto(f"{base}/field/")
    phone.get_by_test_id("field-visits").get_by_role("link").first.click()
    phone.get_by_test_id("check-premises").wait_for()
    phone.context.set_offline(True)
    for code in checks:
        verdict = "不适用" if code == "special-room" else "符合"
        phone.get_by_test_id(f"check-{code}").get_by_label(verdict, exact=True).check()
    _outbox(phone, len(checks))
    assert not InspectionEntry.objects.filter(inspection=inspection).exists()

    # Back online, every write is sent; then one answer is lost on the way back (the platform
    # wrote it, the phone never heard): the phone sends it again, and it counts once.
    lost: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if not lost:
            lost.append(route.request.post_data or "")
            route.fetch()  # the platform receives and writes it…
            route.abort("connectionreset")  # …and the answer never reaches the phone
        else:
            route.continue_()

    phone.context.set_offline(False)
    _synced(phone)
    assert InspectionEntry.objects.filter(inspection=inspection).count() == len(checks)
    phone.route("**/api/field/visits/*/entries", lose_first_answer)
    phone.get_by_test_id("check-storage").get_by_label("限期整改", exact=True).check()
    phone.get_by_test_id("check-storage").get_by_role("textbox").fill("冷藏柜温度偏高")
    phone.get_by_test_id("check-storage").get_by_label("符合", exact=True).check()
    storage = InspectionEntry.objects.filter(inspection=inspection, code="storage")
    for _ in range(150):  # the resend waits for the outbox's next round (every 5 s)
        if lost and storage.filter(verdict="pass").exists():
            break
        phone.wait_for_timeout(200)
    _synced(phone)
    phone.unroute("**/api/field/visits/*/entries")
    assert lost
    entries = InspectionEntry.objects.filter(inspection=inspection)
    assert entries.count() == len(checks)
    assert entries.get(code="storage").verdict == "pass"
    writes = FieldWrite.objects.filter(visit=inspection.visit, kind="entry").count()
    # 限期整改 is sent once its finding is written, then 符合: each once, the resend not again.
    assert writes == len(checks) + 2
    assert phone.get_by_test_id("outbox-errors").inner_text() == ""

    # Both sides sign on the screen: the two inspectors and the applicant.
    phone.reload()
    _draw(phone, phone.get_by_test_id("sign-inspector"))
    phone.get_by_test_id("sign-inspector").get_by_role("button", name="确认签名").click()
    phone.get_by_test_id("sign-inspector").wait_for(state="detached")  # sent, page reloaded
    applicant_form = phone.get_by_test_id("sign-applicant")
    applicant_form.get_by_role("textbox").fill("张三")
    _draw(phone, applicant_form)
    applicant_form.get_by_role("button", name="确认签名").click()
    phone.get_by_test_id("sign-applicant").wait_for(state="detached")
    second = _phone(browser)
    _sign_in(second, base, "inspector2")
    second.goto(f"{base}/field/visits/{inspection.visit_id}/")
    _draw(second, second.get_by_test_id("sign-inspector"))
    second.get_by_test_id("sign-inspector").get_by_role("button", name="确认签名").click()
    second.get_by_test_id("sign-inspector").wait_for(state="detached")
    assert VisitSignature.objects.filter(visit=inspection.visit).count() == 3

    # The conclusion: passed, on the case's timeline, and the reviewer may grant.
    phone.reload()
    form = phone.get_by_test_id("conclude-form")
    form.get_by_label("通过", exact=True).check()
    form.get_by_role("button", name="提交结论").click()
    phone.get_by_test_id("part-state").filter(has_text="核查通过").wait_for()
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.PASSED
    applicant.goto(f"{base}/my/cases/{case.pk}/")
    assert "核查通过" in applicant.get_by_test_id("inspection-state").inner_text()
    for p in (applicant, phone, second):
        p.context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_a_bookstore_cafe_is_inspected_once_by_two_departments(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    from tests.cases.test_bundle_cases import _licence_issued
    from tests.field.test_merged import _accept, _bookstore_with_a_cafe

    base = live_server.url
    parent = _bookstore_with_a_cafe()
    _licence_issued(parent)
    publication = _accept(Case.objects.get(bundle_case=parent, bundle_key="publication"))
    food = _accept(Case.objects.get(bundle_case=parent, bundle_key="food"))
    visit = Inspection.objects.get(case=publication).visit
    assert Inspection.objects.get(case=food).visit_id == visit.pk

    # The applicant sees one inspection for both departments and books it from the phone.
    applicant = _phone(browser)
    _sign_in(applicant, base, "zhangsan")
    applicant.goto(f"{base}/my/bundles/{parent.pk}/")
    panel = applicant.get_by_test_id("bundle-inspections")
    assert panel.get_by_test_id("bundle-visit").count() == 1
    assert panel.get_by_test_id("bundle-visit-part").count() == 2
    panel.get_by_role("button", name="预约").click()
    applicant.get_by_text("已预约现场核查时间").wait_for()

    # Each department's reviewer names its own two inspectors.
    for reviewer, case, names in (
        ("reviewer_whlv", publication, ("罗文执", "邓文执")),
        ("reviewer", food, ("陈核查", "魏核查")),
    ):
        _sign_in(page, base, reviewer)
        page.goto(f"{base}/workbench/cases/{case.pk}/")
        form = page.get_by_test_id("inspection-assign-form")
        for name in names:
            form.get_by_label(name, exact=False).check()
        form.get_by_role("button", name="指派").click()
        page.get_by_text("已指派核查人员").wait_for()
        page.get_by_role("button", name="退出").click()
    visit.refresh_from_db()
    assert visit.state == "scheduled"

    # On site, the culture bureau's inspector fills in only the bureau's part.
    phone = _phone(browser)
    _sign_in(phone, base, "inspector_whlv")
    phone.goto(f"{base}/field/visits/{visit.pk}/")
    parts = phone.get_by_test_id("inspection-part")
    assert parts.count() == 2
    mine = parts.filter(has_text="出版物")
    theirs = parts.filter(has_text="食品经营许可")
    assert theirs.locator("input[data-verdict]").first.is_disabled()
    for check in mine.locator("li[data-check]").all():
        check.get_by_label("符合", exact=True).check()
    _synced(phone)
    assert InspectionEntry.objects.filter(inspection__case=publication).count() == 4
    assert not InspectionEntry.objects.filter(inspection__case=food).exists()
    for p in (applicant, phone):
        p.context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_a_licence_on_commitment_then_a_failed_check_and_revocation(
    browser: Any, page: Any, live_server: Any, live_demo_city: None, tmp_path: Any
) -> None:
    import re
    import uuid

    from tests.field.conftest import signature_png
    from tongban.certificates.models import Certificate
    from tongban.core.synthetic import make_pdf
    from tongban.demo.passwords import DEMO_PASSWORD
    from tongban.field.models import Commitment, CreditRecord
    from tongban.field.services import conclusion, onsite
    from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot

    base = live_server.url
    health = tmp_path / "健康证明.pdf"
    health.write_bytes(make_pdf("health certificates"))

    # The operator applies for the hygiene permit on a phone and signs the commitment
    # instead of bringing the test report.
    phone = _phone(browser)
    _sign_in(phone, base, "zhangsan")
    phone.goto(f"{base}/guide/?event=open-shop")
    phone.get_by_role("link", name="公共场所卫生许可", exact=True).click()
    phone.get_by_test_id("apply").click()
    phone.get_by_role("button", name="开始申请").click()
    phone.get_by_role("button", name="提交申请").wait_for()
    panel = phone.get_by_test_id("commitment-draft")
    assert "经营场所空气、微小气候、水质" in panel.get_by_test_id("commitment-text").text_content()
    upload = phone.get_by_label("从业人员健康合格证明")
    if upload.count():
        upload.set_input_files(str(health))
    phone.get_by_test_id("delivery-choose").get_by_label(re.compile("电子证照")).check()
    panel.get_by_test_id("commitment-sign").check()
    panel.get_by_test_id("commitment-password").fill("wrong-password")
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_text("签名验证失败：登录密码不正确").wait_for()
    panel = phone.get_by_test_id("commitment-draft")
    panel.get_by_test_id("commitment-sign").check()
    panel.get_by_test_id("commitment-password").fill(DEMO_PASSWORD)
    if phone.get_by_label("从业人员健康合格证明").count():
        phone.get_by_label("从业人员健康合格证明").set_input_files(str(health))
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_test_id("commitment-panel").wait_for()
    assert phone.get_by_test_id("case-state").inner_text() in ("已办结", "已送达", "结果已制作")
    assert phone.get_by_test_id("commitment-state").inner_text() == "已承诺，待核查"
    commitment = Commitment.objects.get(case__applicant__username="zhangsan")
    case = commitment.case
    certificate = Certificate.objects.get(case=case)

    # The post-check finds the venue untested; the re-check after the deadline too.
    reviewer = User.objects.get(username="reviewer_wjw")
    inspectors = list(User.objects.filter(username__in=["inspector_wjw", "inspector_wjw2"]))
    for verdict, how in (
        ("rectify", {"result": "rectify", "note": "未做卫生检测", "rectify_days": 10}),
        ("fail", {"result": "fail", "note": "逾期仍未检测"}),
    ):
        inspection = Inspection.objects.get(case=case, state="open")
        visit = inspection.visit
        visit_choose_slot(actor=reviewer, visit=visit, starts_at=slots_for(visit)[0][0])
        visit = visit_assign(
            actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors]
        )
        for check in inspection.checklist:
            bad = check["code"] == "testing"
            onsite.entry_record(
                actor=inspectors[0],
                visit=visit,
                client_id=uuid.uuid4(),
                inspection_id=inspection.pk,
                code=check["code"],
                verdict=verdict if bad else "pass",
                note="无检测报告" if bad else "",
            )
        for person in inspectors:
            onsite.signature_add(
                actor=person,
                visit=visit,
                client_id=uuid.uuid4(),
                role="inspector",
                image=signature_png(),
            )
        onsite.signature_add(
            actor=inspectors[0],
            visit=visit,
            client_id=uuid.uuid4(),
            role="applicant",
            name="张三",
            image=signature_png(),
        )
        conclusion.inspection_conclude(
            actor=inspectors[0],
            visit=visit,
            client_id=uuid.uuid4(),
            inspection_id=inspection.pk,
            **how,
        )

    # The department revokes the licence from the case's page; the certificate says so.
    _sign_in(page, base, "reviewer_wjw")
    page.goto(f"{base}/workbench/cases/{case.pk}/")
    assert page.get_by_test_id("commitment-state").inner_text() == "承诺不实，待撤销"
    form = page.get_by_test_id("commitment-revoke-form")
    form.get_by_label("撤销许可的理由").fill("承诺经营场所卫生检测合格，经两次核查不实")
    form.get_by_role("button", name="撤销许可").click()
    page.get_by_text("已撤销许可并记入信用记录").wait_for()
    assert page.get_by_test_id("commitment-state").inner_text() == "已撤销许可"
    page.goto(f"{base}/certificates/verify/{certificate.token}/")
    page.get_by_text("已撤销").first.wait_for()
    assert CreditRecord.objects.filter(case=case).count() == 1
    phone.context.close()


@time_machine.travel(MONDAY_10AM, tick=True)
def test_a_food_licence_previsit_with_the_licence_issued_on_the_spot(
    browser: Any, page: Any, live_server: Any, live_demo_city: None
) -> None:
    from tongban.certificates.models import Certificate

    base = live_server.url
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="食品经营许可")
    site = "西安市新城区示例路18号一层"
    applicant = _phone(browser)
    inspector = _phone(browser)
    second = _phone(browser)

    def previsit(draft: Case) -> dict[str, str]:
        # Before applying, the owner asks the market regulator to come (倒上门).
        _sign_in(applicant, base, "zhangsan")
        applicant.goto(f"{base}/my/cases/{draft.pk}/continue/")
        applicant.get_by_label("经营场所地址").fill(site)
        applicant.get_by_test_id("previsit-request").click()
        applicant.get_by_text("已申请上门预勘").wait_for()
        applicant.get_by_test_id("previsit-slot").click()
        applicant.get_by_text("已预约现场核查时间").wait_for()

        # The department's reviewer names two inspectors from the field page.
        _sign_in(page, base, "reviewer")
        page.goto(f"{base}/field/")
        row = page.get_by_test_id("to-assign").filter(has_text="上门预勘")
        row.get_by_label("陈核查", exact=False).check()
        row.get_by_label("魏核查", exact=False).check()
        row.get_by_role("button", name="指派").click()
        page.get_by_text("已指派核查人员").wait_for()

        # On site: consultation, the checklist, both sides sign, the inspection passes.
        visit = Inspection.objects.get(case=draft).visit
        _sign_in(inspector, base, "inspector")
        inspector.goto(f"{base}/field/visits/{visit.pk}/")
        for check in inspector.locator("li[data-check]").all():
            verdict = "不适用" if check.get_attribute("data-check") == "special-room" else "符合"
            check.get_by_label(verdict, exact=True).check()
        _synced(inspector)
        _draw(inspector, inspector.get_by_test_id("sign-inspector"))
        inspector.get_by_test_id("sign-inspector").get_by_role("button", name="确认签名").click()
        inspector.get_by_test_id("sign-inspector").wait_for(state="detached")
        form = inspector.get_by_test_id("sign-applicant")
        form.get_by_role("textbox").fill("张三")
        _draw(inspector, form)
        form.get_by_role("button", name="确认签名").click()
        inspector.get_by_test_id("sign-applicant").wait_for(state="detached")
        _sign_in(second, base, "inspector2")
        second.goto(f"{base}/field/visits/{visit.pk}/")
        _draw(second, second.get_by_test_id("sign-inspector"))
        second.get_by_test_id("sign-inspector").get_by_role("button", name="确认签名").click()
        second.get_by_test_id("sign-inspector").wait_for(state="detached")
        inspector.reload()
        conclude = inspector.get_by_test_id("conclude-form")
        conclude.get_by_label("通过", exact=True).check()
        conclude.get_by_role("textbox").fill("场所布局合理；材料预审：请补充油烟排放说明")
        conclude.get_by_role("button", name="提交结论").click()
        inspector.get_by_test_id("awaiting-submission").wait_for()
        applicant.reload()
        assert applicant.get_by_test_id("previsit-state").inner_text() == "核查通过"
        return {"premises_address": site}

    case = demo_apply(
        zhangsan,
        item,
        zhangsan.enterprises.get(name="西安某某书店有限公司"),
        random.Random("previsit"),  # noqa: S311
        "previsit-journey",
        situations={"business": "catering", "premises": "rent"},
        before_submit=previsit,
    )
    assert case is not None and case.state == "submitted"

    # The application is in: the inspector issues the licence on the spot from the phone.
    inspector.reload()
    inspector.get_by_test_id("certify-form").get_by_role("button", name="当场发证").click()
    inspector.get_by_test_id("part-case-state").wait_for()
    case.refresh_from_db()
    assert case.decision == "grant"
    assert Inspection.objects.filter(case=case).count() == 1  # the pre-visit was enough
    certificate = Certificate.objects.get(case=case)
    applicant.goto(f"{base}/my/certificates/")
    applicant.get_by_text(certificate.number).wait_for()
    for p in (applicant, inspector, second):
        p.context.close()
