"""Journey (issue 5): at a hall kiosk, a person chooses the 食品经营许可 form, photographs a
synthetic ID card, sees name, ID number and address filled in, completes the rest on the large
form, and prints a PDF whose text holds the filled values in Chinese; then keeps the form for
the window and takes a ticket."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from tests.e2e.test_hall_journey import _device_page
from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import device_register
from tongban.core.synthetic import make_uscc
from tongban.forms.models import FilledForm
from tongban.hall.models import Hall
from tongban.hall.services.setup import hall_device_place

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "documents"


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
def test_kiosk_reads_an_id_card_fills_the_food_licence_form_and_prints_it(
    browser: Any, live_server: Any, live_demo_city: None
) -> None:
    pytest.importorskip("rapidocr")
    base = live_server.url
    hall = Hall.objects.get(code="xa-civic")
    key = device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机")
    hall_device_place(device=key.device, hall=hall)
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    card = next(r for r in manifest if r["file"] == "card000-front-clean.png")["expected"]

    kiosk = _device_page(browser, base, key.api_key)
    kiosk.wait_for_url(f"{base}/hall/kiosk/")
    kiosk.get_by_test_id("kiosk-forms-link").click()
    kiosk.get_by_test_id("kiosk-form-000105013000").click()
    kiosk.get_by_role("heading", name="食品经营许可", exact=True).wait_for()

    # The ID card photo: the fields fill themselves, and say where they came from.
    kiosk.get_by_test_id("kiosk-document").set_input_files(str(SAMPLES / "card000-front-clean.png"))
    kiosk.get_by_test_id("kiosk-reading").wait_for(
        timeout=45_000
    )  # the first reading loads the OCR models
    assert kiosk.get_by_label("姓名").input_value() == card["name"]
    assert kiosk.get_by_label("公民身份号码").input_value() == card["id_number"]
    assert kiosk.get_by_label("住址").input_value() == card["address"]
    assert kiosk.get_by_test_id("prefilled-contact_name").inner_text() == "来自：证件识别"
    assert kiosk.get_by_label("公民身份号码").get_attribute("readonly") is not None

    # Printing with the rest empty names each missing field.
    kiosk.get_by_test_id("kiosk-print").click()
    assert kiosk.get_by_test_id("field-error").first.is_visible()
    assert "请填写经营者名称" in kiosk.content()

    kiosk.get_by_label("经营者名称").fill("西安示例书香书店有限公司")
    kiosk.get_by_label("统一社会信用代码").fill(make_uscc("91", "610102", 52_000_011))
    kiosk.get_by_label("法定代表人（负责人）").fill(card["name"])
    kiosk.get_by_label("住所", exact=False).first.fill("陕西省西安市新城区示例路8号")
    kiosk.get_by_label("联系电话").fill("13900001234")
    kiosk.get_by_label("经营场所地址").fill("陕西省西安市雁塔区示例路18号")
    kiosk.get_by_label("经营场所所在区县").fill("610113")
    kiosk.get_by_label("经营场所面积").fill("86")
    kiosk.get_by_label("主体业态").select_option("shop")
    # This kiosk has no A4 printer of its own: its browser prints the PDF (a print page holds it).
    kiosk.get_by_test_id("kiosk-print").click()
    kiosk.get_by_test_id("kiosk-printout").wait_for(state="attached")
    printout = kiosk.request.get(f"{base}/hall/kiosk/printout.pdf")
    assert printout.status == 200 and printout.headers["content-type"] == "application/pdf"
    pdf = printout.body()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    for value in (card["name"], card["id_number"], card["address"], "西安示例书香书店有限公司"):
        assert value in compact, value
    assert "食品经营许可申请书" in compact

    kiosk.get_by_role("link", name="完成").click()
    # Keep it for the window and take a ticket; the kiosk forgets the person.
    kiosk.get_by_test_id("kiosk-form-ticket").click()
    reference = kiosk.get_by_test_id("kiosk-form-reference").inner_text()
    assert kiosk.get_by_test_id("kiosk-number").inner_text().startswith("B")
    kept = FilledForm.objects.get(reference=reference)
    assert kept.data["contact_id_number"] == card["id_number"]
    kiosk.get_by_role("link", name="完成").click()
    kiosk.get_by_test_id("kiosk-form-000105013000").click()
    assert kiosk.get_by_label("姓名").input_value() == ""
