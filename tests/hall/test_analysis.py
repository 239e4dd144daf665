"""The hall's day in figures: a scripted morning through the real services, then the
dashboard, the PDF report and who may see them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from tests.hall.conftest import HallSetup
from tests.hall.test_tickets import kiosk_ticket
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.hall.analysis import hall_day_figures, p90
from tongban.hall.models import Ticket
from tongban.hall.services import console as c

DAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour - 8, minute, tzinfo=dt.UTC)


def step(moment: dt.datetime, fn, **kw):  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False):
        return fn(**kw)


@pytest.fixture
def morning(hs: HallSetup, hall_clerk: User, submitted: Case) -> dict[str, Ticket]:
    """09:00 window 2 opens. Tickets A001 09:05, A002 09:10, A003 10:20 (no-show), B001 10:30.
    A001 called 09:15, served 09:16–09:26 (case accepted); A002 called 09:30, served
    09:31–09:37; A003 called 10:25, recalled twice, no-show 10:30. B001 still waiting."""
    step(at(9, 0), c.window_sign_in, user=hall_clerk, window=hs.w2)
    t = {}
    t["A001"] = step(at(9, 5), kiosk_ticket, hs=hs)
    t["A002"] = step(at(9, 10), kiosk_ticket, hs=hs)
    step(at(9, 15), c.ticket_call_next, user=hall_clerk)
    step(at(9, 16), c.ticket_start, user=hall_clerk, ticket_id=t["A001"].pk)
    step(
        at(9, 20),
        c.ticket_accept_case,
        user=hall_clerk,
        ticket_id=t["A001"].pk,
        case=submitted,
    )
    step(at(9, 26), c.ticket_finish, user=hall_clerk, ticket_id=t["A001"].pk)
    step(at(9, 30), c.ticket_call_next, user=hall_clerk)
    step(at(9, 31), c.ticket_start, user=hall_clerk, ticket_id=t["A002"].pk)
    step(at(9, 37), c.ticket_finish, user=hall_clerk, ticket_id=t["A002"].pk)
    t["A003"] = step(at(10, 20), kiosk_ticket, hs=hs)
    step(at(10, 25), c.ticket_call_next, user=hall_clerk)
    for minute in (26, 27):
        step(at(10, minute), c.ticket_recall, user=hall_clerk, ticket_id=t["A003"].pk)
    step(at(10, 30), c.ticket_no_show, user=hall_clerk, ticket_id=t["A003"].pk)
    t["B001"] = step(at(10, 30), kiosk_ticket, hs=hs, category="B")
    return t


def test_p90_is_the_nearest_rank() -> None:
    assert p90([]) is None
    assert p90([5.0]) == 5.0
    assert p90([float(x) for x in range(1, 11)]) == 9.0


def test_the_days_figures(hs: HallSetup, morning: dict[str, Ticket]) -> None:
    with time_machine.travel(at(11, 0), tick=False):
        f = hall_day_figures(hs.hall, DAY)
    totals = f["totals"]
    assert (totals["arrivals"], totals["served"], totals["no_show"]) == (4, 2, 1)
    # Waits: 10, 20 and 5 minutes (B001 has not been called yet).
    assert totals["wait_mean"] == pytest.approx(35 / 3)
    assert totals["wait_p90"] == pytest.approx(20)
    assert totals["service_mean"] == pytest.approx(8)
    assert totals["abandonment"] == pytest.approx(1 / 4)
    assert totals["case_share"] == pytest.approx(1 / 2)
    assert f["peak"] == {"hour": 9, "arrivals": 2}
    a = next(row for row in f["by_category"] if row["letter"] == "A")
    assert (a["arrivals"], a["served"], a["no_show"]) == (3, 2, 1)
    window2 = next(w for w in f["by_window"] if w["label"] == "2号窗口")
    # Staffed 09:00–11:00 = 120 minutes; busy 10 + 6 = 16 minutes.
    assert (window2["served"], window2["staffed_minutes"], window2["busy_minutes"]) == (2, 120, 16)
    assert window2["utilisation"] == pytest.approx(16 / 120)
    nine_a = next(r for r in f["staffing"] if r["letter"] == "A" and r["hour"] == 9)
    assert (nine_a["arrivals"], nine_a["open_windows"], nine_a["advised_windows"]) == (2, 1, 1)
    assert nine_a["service_minutes"] == pytest.approx(8)
    ten_b = next(r for r in f["staffing"] if r["letter"] == "B" and r["hour"] == 10)
    # Nobody served B at 10:30 (window 2 serves only A): the advice says open one.
    assert (ten_b["open_windows"], ten_b["advised_windows"], ten_b["short"]) == (0, 1, True)
    assert ten_b["open_wait"] is None  # no window: the queue never clears


def test_the_dashboard_and_the_report(
    hs: HallSetup, morning: dict[str, Ticket], manager: User
) -> None:
    client = Client()
    client.force_login(manager)
    page = client.get(f"/hall/{hs.hall.code}/dashboard/", {"day": "2026-03-02"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="fig-arrivals">4<' in html and "chart-data" in html
    assert "窗口配置建议" in html
    report = client.get(f"/hall/{hs.hall.code}/report.pdf", {"day": "2026-03-02"})
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "测试市民中心" in text and "大厅运行日报" in text and "2026年03月02日" in text
    bad = client.get(f"/hall/{hs.hall.code}/dashboard/", {"day": "yesterday"})
    assert bad.status_code == 400 and "日期格式" in bad.content.decode()


def test_only_the_halls_managers_see_its_analysis(
    hs: HallSetup, hall_clerk: User, admin_user: User
) -> None:
    from tests.factories import UserFactory
    from tongban.accounts.models import Role

    other_manager = UserFactory(roles=[Role.HALL_MANAGER])
    client = Client()
    for user, status in ((hall_clerk, 403), (other_manager, 403), (admin_user, 200)):
        client.force_login(user)
        assert client.get(f"/hall/{hs.hall.code}/dashboard/").status_code == status


def test_the_advice_counts_a_window_signed_in_for_part_of_the_hour(
    hs: HallSetup, hall_clerk: User
) -> None:
    step(at(14, 5), c.window_sign_in, user=hall_clerk, window=hs.w2)
    ticket = step(at(14, 6), kiosk_ticket, hs=hs)
    step(at(14, 7), c.ticket_call_next, user=hall_clerk)
    step(at(14, 8), c.ticket_start, user=hall_clerk, ticket_id=ticket.pk)
    step(at(14, 15), c.ticket_finish, user=hall_clerk, ticket_id=ticket.pk)
    step(at(14, 20), c.window_sign_out, user=hall_clerk)  # gone before half past
    with time_machine.travel(at(16, 0), tick=False):
        f = hall_day_figures(hs.hall, DAY)
    two = next(r for r in f["staffing"] if r["letter"] == "A" and r["hour"] == 14)
    assert (two["arrivals"], two["open_windows"]) == (1, 1)
    three = next(r for r in f["staffing"] if r["letter"] == "A" and r["hour"] == 15)
    assert three["open_windows"] == 0
