"""Hall devices behave (issue 19, part 6): the board lists each ticket once and marks a recall,
its clock runs in the hall's zone; devices speak the hall's language whatever their browser's,
one person may switch a kiosk to English until it starts over; tickets, forms and certificates
print at the kiosk's printers through a driver (simulated here), and through the browser where
a kiosk has no printer; a printer fault keeps the ticket and says what to do."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from tests.hall.conftest import HallSetup
from tests.hall.test_tickets import kiosk_ticket
from tongban.accounts.models import User
from tongban.hall import selectors
from tongban.hall.models import KioskPrinter, PrintJob, Ticket
from tongban.hall.services import console as c
from tongban.hall.services.printing import kiosk_print_pdf
from tongban.hall.services.setup import kiosk_printer_set

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def device(key: str) -> Client:
    client = Client(**ENGLISH)
    client.post("/hall/device/", {"key": key})
    return client


def test_a_recalled_ticket_keeps_one_row_marked_recalled(
    hs: HallSetup, hall_clerk: User, settings: Any
) -> None:
    settings.HALL_STREAM_MAX_SECONDS = 0.5  # the stream ends (a board reconnects) at once
    settings.HALL_STREAM_KEEPALIVE_SECONDS = 0.1
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    first, second = kiosk_ticket(hs), kiosk_ticket(hs)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_recall(user=hall_clerk, ticket_id=first.pk)
    c.ticket_recall(user=hall_clerk, ticket_id=first.pk)
    c.ticket_no_show(user=hall_clerk, ticket_id=first.pk)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_recall(user=hall_clerk, ticket_id=second.pk)
    calls = selectors.recent_calls(hs.hall)
    assert [e.ticket.number for e in calls] == ["A002", "A001"]
    assert all(e.kind == "recalled" for e in calls)
    page = device(hs.board.api_key).get("/hall/board/").content.decode()
    assert page.count("A001") == 1 and page.count("A002") == 1
    assert page.count('class="recalled"') == 2 and "重呼" in page
    # The stream says which ticket a call is for, so the board updates that row.
    stream = device(hs.board.api_key).get("/hall/board/events", {"last_id": 0})
    body = b"".join(stream.streaming_content).decode()  # type: ignore[attr-defined]
    assert f'"ticket": {first.pk}' in body and '"recalled": true' in body


def test_the_board_clock_runs_in_the_halls_zone(hs: HallSetup) -> None:
    page = device(hs.board.api_key).get("/hall/board/").content.decode()
    assert 'ZONE = "Asia/Shanghai"' in page and "timeZone: ZONE" in page
    assert "new Date().toLocaleTimeString" not in page


@pytest.mark.parametrize("path", ["/hall/kiosk/", "/hall/board/", "/hall/kiosk/forms/"])
def test_devices_speak_the_halls_language_whatever_their_browser(hs: HallSetup, path: str) -> None:
    key = hs.board.api_key if "board" in path else hs.kiosk.api_key
    response = device(key).get(path)
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans" and 'lang="zh-Hans"' in page
    assert "Take a ticket" not in page and "Number" not in page
    # The portal itself still follows the browser.
    assert 'lang="en"' in Client(**ENGLISH).get("/").content.decode()


def test_one_person_switches_the_kiosk_to_english_until_it_starts_over(hs: HallSetup) -> None:
    kiosk = device(hs.kiosk.api_key)
    switched = kiosk.post("/hall/kiosk/language/", {"language": "en", "next": "/hall/kiosk/"})
    assert switched.status_code == 302 and switched["Location"] == "/hall/kiosk/"
    assert 'lang="en"' in kiosk.get("/hall/kiosk/").content.decode()
    assert 'lang="en"' in kiosk.get("/hall/kiosk/forms/").content.decode()
    # Issuing the ticket ends this person's turn: the screen after it is Chinese again.
    issued = kiosk.post("/hall/kiosk/", {"category": hs.a.pk, "idempotency_key": "en1"})
    assert 'lang="en"' in issued.content.decode()
    assert 'lang="zh-Hans"' in kiosk.get("/hall/kiosk/").content.decode()
    # The idle reset (or 完成) does the same.
    kiosk.post("/hall/kiosk/language/", {"language": "en", "next": "https://elsewhere.example/"})
    assert kiosk.get("/hall/kiosk/start/")["Location"] == "/hall/kiosk/"
    assert 'lang="zh-Hans"' in kiosk.get("/hall/kiosk/").content.decode()


def test_a_ticket_prints_on_the_kiosks_receipt_printer(hs: HallSetup) -> None:
    kiosk_printer_set(device=hs.kiosk.device, role=KioskPrinter.Role.RECEIPT)
    kiosk = device(hs.kiosk.api_key)
    page = kiosk.post("/hall/kiosk/", {"category": hs.b.pk, "idempotency_key": "p1"})
    assert 'data-testid="kiosk-printed"' in page.content.decode()
    assert "window.print()" not in page.content.decode()
    job = PrintJob.objects.get()
    assert job.kind == "ticket" and job.status == "printed" and job.title == "排队号 B001"
    assert "B001" in job.text and "企业开办" in job.text and "/hall/t/" in job.text
    assert job.digest == hashlib.sha256(job.text.encode()).hexdigest()


def test_without_a_receipt_printer_the_kiosks_browser_prints_the_ticket(hs: HallSetup) -> None:
    page = device(hs.kiosk.api_key).post("/hall/kiosk/", {"category": hs.a.pk}).content.decode()
    assert "window.print()" in page and not PrintJob.objects.exists()


def test_a_printer_fault_keeps_the_ticket_and_says_what_to_do(hs: HallSetup) -> None:
    kiosk_printer_set(
        device=hs.kiosk.device, role=KioskPrinter.Role.RECEIPT, config={"fault": "paper_out"}
    )
    page = device(hs.kiosk.api_key).post("/hall/kiosk/", {"category": hs.a.pk}).content.decode()
    assert "打印机缺纸，未能打印" in page and "扫描屏幕上的二维码" in page
    assert 'data-testid="kiosk-number">A001<' in page and Ticket.objects.count() == 1
    job = PrintJob.objects.get()
    assert job.status == "failed" and job.error == "打印机缺纸"


def test_a_pdf_prints_at_the_a4_printer_or_through_the_browser(hs: HallSetup) -> None:
    pdf = b"%PDF-1.7 synthetic"
    assert kiosk_print_pdf(hs.kiosk.device, kind="form", title="申请表", pdf=pdf) is None
    kiosk_printer_set(device=hs.kiosk.device, role=KioskPrinter.Role.A4)
    job = kiosk_print_pdf(hs.kiosk.device, kind="form", title="申请表", pdf=pdf)
    assert job is not None and job.size == len(pdf) and job.text == ""  # no content kept


def test_printers_are_for_kiosks_and_known_drivers(hs: HallSetup) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="只有自助机"):
        kiosk_printer_set(device=hs.board.device, role="a4")
    with pytest.raises(ValidationError, match="未知的打印驱动"):
        kiosk_printer_set(device=hs.kiosk.device, role="a4", driver="laser9000")
