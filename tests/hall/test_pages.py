"""The hall's pages outside the browser journey: the hall page with its entrance QR code, and
the window console offering the ticket holder's cases and refusing an unknown one."""

from __future__ import annotations

from django.test import Client

from tests.hall.conftest import HallSetup
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.hall.models import Ticket
from tongban.hall.services import console as c
from tongban.hall.services.tickets import ticket_issue


def test_the_hall_page_shows_queues_and_the_entrance_qr_code(
    hs: HallSetup, settings: object
) -> None:
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"  # type: ignore[attr-defined]
    page = Client().get(f"/hall/{hs.hall.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "综合受理" in html and "企业开办" in html and "办公中" in html
    assert 'data-testid="hall-qr"' in html and "data:image/svg+xml" in html
    assert "登录后取号或预约" in html


def test_the_console_offers_the_holders_submitted_cases(
    hs: HallSetup, hall_clerk: User, zhangsan: User, submitted: Case
) -> None:
    ticket = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=ticket.pk)
    client = Client()
    client.force_login(hall_clerk)
    page = client.get("/hall/console/").content.decode()
    caller = page.split('data-testid="caller"')[1]
    assert "来号人的办件" in page and submitted.item.name in caller
    assert 'data-testid="caller-accept"' in caller and f'value="{submitted.pk}"' in caller

    refused = client.post(
        "/hall/console/accept_case/", {"ticket": ticket.pk, "case": "TB-nope"}, follow=True
    )
    assert "办件“TB-nope”不存在" in refused.content.decode()
    assert Case.objects.get(pk=submitted.pk).state == "submitted"
    accepted = client.post(
        "/hall/console/accept_case/", {"ticket": ticket.pk, "case": str(submitted.pk)}, follow=True
    )
    assert "已受理并关联本号" in accepted.content.decode()
    assert Case.objects.get(pk=submitted.pk).visits.count() == 1


def test_the_console_lists_only_the_windows_of_ones_halls(hs: HallSetup, hall_clerk: User) -> None:
    client = Client()
    client.force_login(hall_clerk)
    page = client.get("/hall/console/").content.decode()
    assert page.count("测试市民中心 · ") == 3  # windows 1, 2 and 3 of the one hall


def test_the_kiosk_checks_in_an_appointment_by_code(hs: HallSetup, zhangsan: User) -> None:
    from tongban.hall.services.appointments import appointment_book, slots_ensure

    slots_ensure(hs.hall)
    slot = hs.hall.slots.get(category=hs.b, day=hs.hall.slots.first().day, starts_at="10:30")
    appointment = appointment_book(applicant=zhangsan, slot=slot)
    kiosk = Client()
    kiosk.post("/hall/device/", {"key": hs.kiosk.api_key})
    wrong = kiosk.post("/hall/kiosk/", {"check_in_code": "000000"}).content.decode()
    assert "签到码无效" in wrong
    page = kiosk.post("/hall/kiosk/", {"check_in_code": appointment.code}).content.decode()
    assert 'data-testid="kiosk-number">B001<' in page
    assert Ticket.objects.get().priority == "appointment"


def test_cancelling_on_my_appointments_page(hs: HallSetup, zhangsan: User) -> None:
    from tongban.hall.models import Appointment
    from tongban.hall.services.appointments import appointment_book, slots_ensure

    slots_ensure(hs.hall)
    slot = hs.hall.slots.filter(category=hs.a).order_by("day", "starts_at").last()
    appointment = appointment_book(applicant=zhangsan, slot=slot)
    client = Client()
    client.force_login(zhangsan)
    page = client.post(
        "/hall/appointments/",
        {"appointment": appointment.pk, "action": "cancel"},
        follow=True,
    ).content.decode()
    assert "已取消预约" in page
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"


def test_the_sweep_runs_every_registered_job(hs: HallSetup) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sweep", stdout=out)
    line = out.getvalue()
    for part in ("预警变更", "重新排队通知", "清理过期防重放记录", "预约提醒"):
        assert part in line, line
