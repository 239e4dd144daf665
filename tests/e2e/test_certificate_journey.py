"""Journey: a granted food licence is issued as a signed certificate; its holder downloads it
from "我的证照"; pyHanko validates the seal; the public verification page accepts the file,
reports one flipped byte as tampered, and the QR code's page shows the record."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_case_journey import _sign_in
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft
from tongban.catalog.models import ServiceItem
from tongban.certificates.models import Certificate
from tongban.certificates.signers import run_coroutine, seal_signer

pytestmark = pytest.mark.e2e


def _granted_food_licence() -> Case:
    zhangsan = User.objects.get(username="zhangsan")
    clerk = User.objects.get(username="clerk")
    item = ServiceItem.objects.get(basic_code="000105013000", state="published")
    reviewer = User.objects.get(department=item.department, role_grants__role="reviewer")
    case = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.first(),
        idempotency_key="e2e-cert",
        form_data={"premises_address": "陕西省西安市新城区示例路8号", "main_business": "shop"},
    )
    Case.objects.filter(pk=case.pk).update(state="submitted")  # materials are not this journey
    case.refresh_from_db()
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    return lc.case_produce_result(case=case, actor=reviewer)


def _status(page: Any) -> str:
    return str(page.get_by_test_id("verify-status").get_attribute("data-status"))


def test_a_certificate_is_signed_downloaded_and_verified(
    page: Any, live_server: Any, live_demo_city: None, tmp_path: Path
) -> None:
    base = live_server.url
    case = _granted_food_licence()
    certificate = Certificate.objects.get(case=case)
    assert certificate.type.name == "食品经营许可证"

    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/my/certificates/")
    row = page.get_by_test_id("my-certificate").filter(has_text=certificate.number)
    with page.expect_download() as download:
        row.get_by_role("link", name="下载PDF").click()
    signed = tmp_path / "licence.pdf"
    download.value.save_as(signed)
    data = signed.read_bytes()

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=seal_signer().trust_roots())
    status = run_coroutine(lambda: async_validate_pdf_signature(signature, context))
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"

    page.goto(f"{base}/certificates/verify/")
    page.get_by_label("证照文件（PDF）").set_input_files(str(signed))
    page.get_by_role("button", name="核验").click()
    assert _status(page) == "valid"
    assert page.get_by_test_id("verify-number").inner_text() == certificate.number

    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(flipped))
    page.get_by_label("证照文件（PDF）").set_input_files(str(tampered))
    page.get_by_role("button", name="核验").click()
    assert _status(page) == "tampered"
    assert "篡改" in page.get_by_test_id("verify-message").inner_text()

    page.goto(f"{base}/certificates/verify/{certificate.token}/")
    assert _status(page) == "valid"
