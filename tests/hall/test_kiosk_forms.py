"""Kiosk forms through the pages: a kiosk only, a reading that fails leaves the fields for
manual entry, the person's data is wiped after, the ticket goes to the item's queue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import ServiceItemFactory
from tests.forms.test_schema import FORM, ID
from tests.hall.conftest import HallSetup
from tongban.accounts.models import Department
from tongban.catalog.models import ServiceItem
from tongban.forms.models import FilledForm
from tongban.hall.models import Ticket

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "documents"


@pytest.fixture
def form_item(department: Department, hs: HallSetup) -> ServiceItem:
    item = ServiceItemFactory(with_guide=True, department=department, audience="person")
    item.form = FORM
    item.save(update_fields=["form"])
    hs.b.item_codes = [item.code]
    hs.b.save()
    return item


@pytest.fixture
def kiosk(hs: HallSetup) -> Client:
    client = Client()
    client.post("/hall/device/", {"key": hs.kiosk.api_key})
    return client


def test_only_a_signed_in_kiosk_opens_kiosk_forms(form_item: ServiceItem, hs: HallSetup) -> None:
    assert Client().get("/hall/kiosk/forms/").url == "/hall/device/"
    board = Client()
    board.post("/hall/device/", {"key": hs.board.api_key})
    assert board.get(f"/hall/kiosk/forms/{form_item.code}/").url == "/hall/device/"


def test_a_failed_reading_says_why_and_leaves_the_fields_empty(
    kiosk: Client, form_item: ServiceItem
) -> None:
    pytest.importorskip("rapidocr")
    url = f"/hall/kiosk/forms/{form_item.code}/"
    photo = SimpleUploadedFile("x.png", (SAMPLES / "bad-checksum-front.png").read_bytes())
    page = kiosk.post(url, {"action": "read", "document": photo}).content.decode()
    assert "公民身份号码校验位错误" in page
    assert "以下内容未能确认，请核对或手工填写：公民身份号码" in page
    assert re.search(r'name="f_id_number"\s+type="text"\s+value=""', page)
    menu = SimpleUploadedFile("m.png", (SAMPLES / "not-a-document.png").read_bytes())
    page = kiosk.post(url, {"action": "read", "document": menu}).content.decode()
    assert "未识别到居民身份证或营业执照" in page and "请手工填写" in page


def test_the_form_is_kept_for_the_window_with_a_ticket_and_the_kiosk_forgets_it(
    kiosk: Client, form_item: ServiceItem, hs: HallSetup
) -> None:
    url = f"/hall/kiosk/forms/{form_item.code}/"
    kiosk.get(url)
    typed = {"f_name": "张测试", "f_id_number": ID, "f_staff__0__name": "李测试"}
    missing = kiosk.post(url, {"action": "ticket", "idempotency_key": "t1", "f_name": "张测试"})
    assert "请填写公民身份号码" in missing.content.decode()
    assert not FilledForm.objects.exists()
    done = kiosk.post(url, {"action": "ticket", "idempotency_key": "t1", **typed}).content.decode()
    filled = FilledForm.objects.get()
    assert filled.reference in done and filled.data["id_number"] == ID
    ticket = Ticket.objects.get()
    assert ticket.category == hs.b and ticket.number == "B001"
    # Wiped: the next person starts from an empty form.
    assert "张测试" not in kiosk.get(url).content.decode()


def test_idle_reset_and_the_template_list_wipe_the_session(
    kiosk: Client, form_item: ServiceItem
) -> None:
    url = f"/hall/kiosk/forms/{form_item.code}/"
    kiosk.post(url, {"action": "situations", "f_name": "王测试"})
    kiosk.post(url, {"action": "save", "f_name": "王测试"})
    assert "王测试" in kiosk.get(url).content.decode()
    assert kiosk.get("/hall/kiosk/forms/reset/").url == "/hall/kiosk/forms/"
    assert "王测试" not in kiosk.get(url).content.decode()
    kiosk.post(url, {"action": "save", "f_name": "王测试"})
    listing: Any = kiosk.get("/hall/kiosk/forms/")
    assert form_item.name in listing.content.decode()
    assert "王测试" not in kiosk.get(url).content.decode()


def test_the_window_fetches_the_kiosk_form_by_reference_and_prints_it(
    kiosk: Client, form_item: ServiceItem, hs: HallSetup, hall_clerk: Any, zhangsan: Any
) -> None:
    url = f"/hall/kiosk/forms/{form_item.code}/"
    typed = {"f_name": "张测试", "f_id_number": ID, "f_staff__0__name": "李测试"}
    kiosk.post(url, {"action": "ticket", "idempotency_key": "t2", **typed})
    reference = FilledForm.objects.get().reference
    window = Client()
    window.force_login(hall_clerk)
    page = window.get(f"/hall/console/?form={reference.lower()}").content.decode()
    # On screen the ID number is masked; the printed form, for signing, is whole.
    assert ID not in page and ID[:6] + "********" + ID[-4:] in page and "张测试" in page
    pdf = window.get(f"/hall/console/form/{reference}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    from tongban.core.models import AuditRecord

    assert AuditRecord.objects.filter(action="forms.filled_form_read").count() == 2
    applicant = Client()
    applicant.force_login(zhangsan)
    assert ID not in applicant.get(f"/hall/console/?form={reference}").content.decode()
    assert applicant.get(f"/hall/console/form/{reference}.pdf").status_code == 403


def test_a_business_licence_photo_fills_the_enterprise_fields(
    kiosk: Client, department: Department, hs: HallSetup
) -> None:
    pytest.importorskip("rapidocr")
    import json

    item = ServiceItemFactory(with_guide=True, department=department, audience="enterprise")
    item.form = {
        "sections": [
            {
                "title": "经营者",
                "fields": [
                    {
                        "key": "company_name",
                        "label": "企业名称",
                        "type": "text",
                        "prefill": ["id_document.company_name"],
                    },
                    {
                        "key": "credit_code",
                        "label": "统一社会信用代码",
                        "type": "credit_code",
                        "prefill": ["id_document.credit_code"],
                    },
                ],
            }
        ]
    }
    item.save(update_fields=["form"])
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    expected = next(r for r in manifest if r["file"] == "licence000-clean.png")["expected"]
    photo = SimpleUploadedFile("l.png", (SAMPLES / "licence000-clean.png").read_bytes())
    page = kiosk.post(
        f"/hall/kiosk/forms/{item.code}/", {"action": "read", "document": photo}
    ).content.decode()
    assert f'value="{expected["company_name"]}"' in page
    assert f'value="{expected["credit_code"]}"' in page
    assert "营业执照" in page  # the reading's caption


def test_printing_the_form_goes_to_the_printer_or_the_browsers_print_dialog(
    kiosk: Client, form_item: ServiceItem, hs: HallSetup
) -> None:
    from tongban.hall.models import KioskPrinter, PrintJob
    from tongban.hall.services.setup import kiosk_printer_set

    url = f"/hall/kiosk/forms/{form_item.code}/"
    typed = {"f_name": "张测试", "f_id_number": ID, "f_staff__0__name": "李测试"}
    page = kiosk.post(url, {"action": "print", **typed}).content.decode()
    assert 'data-testid="kiosk-printout"' in page and "frame.contentWindow.print()" in page
    printout = kiosk.get("/hall/kiosk/printout.pdf")
    assert printout["Content-Type"] == "application/pdf"
    assert (
        b"".join(printout.streaming_content if printout.streaming else [printout.content])[:5]
        == b"%PDF-"
    )
    assert kiosk.get("/hall/kiosk/start/").status_code == 302
    assert kiosk.get("/hall/kiosk/printout.pdf").status_code == 404  # forgotten
    assert Client().get("/hall/kiosk/printout.pdf").status_code == 404  # and never another's

    kiosk_printer_set(device=hs.kiosk.device, role=KioskPrinter.Role.A4)
    page = kiosk.post(url, {"action": "print", **typed}).content.decode()
    assert "已送打印机" in page and 'data-testid="kiosk-printout"' not in page
    job = PrintJob.objects.get()
    assert job.kind == "form" and job.title == form_item.name and job.size > 1000
