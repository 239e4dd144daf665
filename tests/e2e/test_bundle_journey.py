"""Journey (issue 6's "done when", with the joint review in test_joint_review_journey): 张三
opens the bookstore bundle's guide (45.5 working days one by one vs 15 as one bundle, from the
catalogue), applies once with one merged form and one material list; the licence goes to its
department at once and the other four when the licence is issued; the licence is a signed
certificate the verification page accepts, and one flipped byte is reported as tampered; a
window's correction request on one child leaves the others running; the applicant follows
every part on one page."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_case_journey import _act, _sign_in, _sign_out
from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import bundle_case_form
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.core.synthetic import make_pdf
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.forms.synthetic import fill_form

pytestmark = pytest.mark.e2e


def _fill(page: Any, parent: BundleCase) -> None:
    """Complete every visible, editable field the prefill left empty."""
    merged = bundle_case_form(parent)
    data = fill_form(merged.schema, parent.choices, {}, random.Random(5))  # noqa: S311
    for f in merged.schema.fields:
        value = data.get(f.key)
        if value in (None, "") or f.type == "file":
            continue
        if f.type == "table":
            for i, row in enumerate(value):
                for column, cell in row.items():
                    page.locator(f"[name=f_{f.key}__{i}__{column}]").fill(str(cell))
            continue
        field = page.locator(f"[name=f_{f.key}]").first
        if field.count() == 0 or not field.is_visible() or field.get_attribute("readonly"):
            continue
        if f.type == "choice":
            if field.is_enabled():
                field.select_option(str(value))
        elif not field.input_value():
            field.fill(str(value))


def _staff(department_code: str, role: str) -> User:
    return User.objects.get(department__code=department_code, role_grants__role=role)


def test_the_bookstore_bundle_applied_once_and_dispatched(
    page: Any, live_server: Any, live_demo_city: None, tmp_path: Path
) -> None:
    base = live_server.url
    material = tmp_path / "材料.pdf"
    material.write_bytes(make_pdf("bundle material"))

    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/guide/bundles/open-bookstore/?s_drinks=yes")
    # The article's figures, computed from the catalogue's promised limits.
    assert page.get_by_test_id("serial-days").inner_text() == "45.5"
    assert page.get_by_test_id("bundle-days").inner_text() == "15"
    assert page.get_by_test_id("visits").inner_text() == "5 → 1"
    # The company being set up: the registry holds nothing of it, so every item applies.
    page.get_by_label("申请企业").select_option(label=NEW_COMPANY_NAME)
    page.get_by_role("button", name="按所选情形一次申请").click()

    # One form, one material list, one submission.
    page.get_by_role("button", name="一次提交").wait_for()
    assert page.get_by_test_id("bundle-child").count() == 5
    parent = BundleCase.objects.get()
    page.get_by_role("button", name="一次提交").click()
    assert page.get_by_test_id("errors").is_visible()  # nothing attached: every gap named
    _fill(page, parent)
    for row in page.locator("[data-testid=bundle-material-row][data-resolved=no]").all():
        upload = row.locator("input[type=file]")
        if upload.count():
            upload.set_input_files(str(material))
    # The results of the 一件事 come together, the way chosen here.
    page.get_by_test_id("delivery-choose").get_by_label(re.compile("窗口领取")).check()
    page.get_by_role("button", name="一次提交").click()
    assert page.get_by_test_id("bundle-state").inner_text() == "办理中", page.content()[:3000]
    number = page.get_by_test_id("bundle-number").inner_text()
    assert number.startswith("TBYJ")

    def states() -> dict[str, str]:
        page.reload()
        rows = page.get_by_test_id("bundle-child").all()
        return {str(r.get_attribute("data-key")): str(r.get_attribute("data-state")) for r in rows}

    assert states() == {
        "licence": "submitted",
        "publication": "draft",
        "food": "draft",
        "eia": "draft",
        "signboard": "draft",
    }

    # The market regulator issues the licence: the four others reach their departments at once.
    licence = Case.objects.get(bundle_case=parent, bundle_key="licence")
    clerk, reviewer = User.objects.get(username="clerk"), _staff("scjg", "reviewer")
    licence = lc.case_start_pre_review(case=licence, actor=clerk)
    licence = lc.case_accept(case=licence, actor=clerk)
    licence = lc.case_start_review(case=licence, actor=reviewer)
    licence = lc.case_decide(case=licence, actor=reviewer, decision="grant", reason="")
    lc.case_produce_result(case=licence, actor=reviewer)
    now = states()
    assert {now[k] for k in ("publication", "food", "eia", "signboard")} == {"submitted"}
    departments = set(
        Case.objects.filter(bundle_case=parent).values_list("department__name", flat=True)
    )
    assert len(departments) == 4  # the market regulator handles the licence and the food permit

    # The licence is a signed certificate: the applicant downloads it from the licence's
    # page; the verification page accepts it and reports one flipped byte as tampered.
    page.reload()
    page.get_by_test_id("bundle-child").filter(has_text="营业执照").get_by_role("link").click()
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    licence_pdf = tmp_path / "licence.pdf"
    download.value.save_as(licence_pdf)
    page.goto(f"{base}/certificates/verify/")
    page.get_by_label("证照文件（PDF）").set_input_files(str(licence_pdf))
    page.get_by_role("button", name="核验").click()
    assert page.get_by_test_id("verify-status").get_attribute("data-status") == "valid"
    flipped = bytearray(licence_pdf.read_bytes())
    flipped[len(flipped) // 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(flipped))
    page.get_by_label("证照文件（PDF）").set_input_files(str(tampered))
    page.get_by_role("button", name="核验").click()
    assert page.get_by_test_id("verify-status").get_attribute("data-status") == "tampered"
    bundle_url = f"{base}/my/bundles/{parent.pk}/"
    _sign_out(page)

    # The window asks for a correction on the food permit; the others run on.
    food = Case.objects.get(bundle_case=parent, bundle_key="food")
    _sign_in(page, base, "clerk")
    page.goto(f"{base}/workbench/cases/{food.pk}/")
    _act(page, "开始预审")
    page.locator("input[name^=problem_]").first.fill("布局图不清晰，请重新上传")
    _act(page, "要求补正")
    assert page.get_by_test_id("case-state").inner_text() == "待补正"
    publication = Case.objects.get(bundle_case=parent, bundle_key="publication")
    page.goto(f"{base}/workbench/cases/{publication.pk}/")
    _act(page, "开始预审")
    _act(page, "受理")
    _sign_out(page)

    _sign_in(page, base, "zhangsan")
    page.goto(bundle_url)
    now = {
        str(r.get_attribute("data-key")): str(r.get_attribute("data-state"))
        for r in page.get_by_test_id("bundle-child").all()
    }
    assert now["food"] == "correction" and now["publication"] == "accepted"
    assert now["eia"] == "submitted" and now["signboard"] == "submitted"
    timeline = page.get_by_test_id("bundle-timeline").inner_text()
    assert "分送承办部门" in timeline and "要求补正" in timeline and "签发电子证照" in timeline
