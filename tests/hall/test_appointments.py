"""Appointments: slots on working days within opening hours, no overbooking, one booking per
person, category and day, cancelling gives the place back, check-in turns an on-time
appointment into a priority ticket, reminders go out once, missed ones are marked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tongban.accounts.models import Role, User
from tongban.hall.models import Appointment, AppointmentSlot, Ticket
from tongban.hall.services import HallConflict
from tongban.hall.services.appointments import (
    appointment_book,
    appointment_by_code,
    appointment_cancel,
    appointment_check_in,
    appointments_sweep,
    slots_ensure,
)
from tongban.notify.models import Notification


def at(hour: int, minute: int = 0, day: int = 2) -> dt.datetime:
    """Local time in Xi'an on March `day` 2026."""
    return dt.datetime(2026, 3, day, hour - 8, minute, tzinfo=dt.UTC)


def slot(hs: HallSetup, day: int, hhmm: str) -> AppointmentSlot:
    hour, minute = map(int, hhmm.split(":"))
    return AppointmentSlot.objects.get(
        category=hs.a, day=dt.date(2026, 3, day), starts_at=dt.time(hour, minute)
    )


@pytest.fixture
def slots(hs: HallSetup) -> int:
    return slots_ensure(hs.hall)


def test_slots_cover_working_days_within_opening_hours(hs: HallSetup, slots: int) -> None:
    days = sorted(set(AppointmentSlot.objects.values_list("day", flat=True)))
    # Monday 2 March + 10 calendar days: 9 working days (two weekends excluded).
    assert len(days) == 9 and all(d.weekday() < 5 for d in days)
    monday = AppointmentSlot.objects.filter(category=hs.a, day=dt.date(2026, 3, 2))
    starts = [s.starts_at for s in monday.order_by("starts_at")]
    assert starts[0] == dt.time(9, 0) and starts[-1] == dt.time(16, 30) and len(starts) == 16
    assert slots == 9 * 16 * 2  # two categories
    assert slots_ensure(hs.hall) == 0  # idempotent


def test_no_overbooking_and_one_booking_per_person_and_day(
    hs: HallSetup, slots: int, zhangsan: User
) -> None:
    target = slot(hs, 3, "10:00")
    people = [UserFactory(roles=[Role.APPLICANT]) for _ in range(3)]
    appointment_book(applicant=people[0], slot=target)
    appointment_book(applicant=people[1], slot=target)
    with pytest.raises(HallConflict, match="已约满"):
        appointment_book(applicant=people[2], slot=target)
    with pytest.raises(HallConflict, match="请勿重复预约"):
        appointment_book(applicant=people[0], slot=slot(hs, 3, "11:00"))
    assert AppointmentSlot.objects.get(pk=target.pk).booked == 2
    with pytest.raises(ValidationError, match="已开始或已过去"):
        appointment_book(applicant=zhangsan, slot=slot(hs, 2, "09:30"))


def test_a_retried_booking_returns_the_first(hs: HallSetup, slots: int, zhangsan: User) -> None:
    first = appointment_book(applicant=zhangsan, slot=slot(hs, 3, "10:00"), idempotency_key="b1")
    again = appointment_book(applicant=zhangsan, slot=slot(hs, 3, "10:00"), idempotency_key="b1")
    assert first.pk == again.pk and Appointment.objects.count() == 1
    assert len(first.code) == 6 and first.code.isdigit()
    assert Notification.objects.filter(recipient=zhangsan, subject__contains="预约成功").exists()


def test_cancelling_gives_the_place_back(hs: HallSetup, slots: int, zhangsan: User) -> None:
    target = slot(hs, 3, "10:00")
    appointment = appointment_book(applicant=zhangsan, slot=target)
    appointment_cancel(applicant=zhangsan, appointment=appointment)
    assert AppointmentSlot.objects.get(pk=target.pk).booked == 0
    with pytest.raises(HallConflict, match="不能取消"):
        appointment_cancel(applicant=zhangsan, appointment=appointment)
    # The same day can be booked again after a cancellation.
    appointment_book(applicant=zhangsan, slot=target)


def test_check_in_on_time_gives_a_priority_ticket_late_an_ordinary_one(
    hs: HallSetup, slots: int, zhangsan: User
) -> None:
    lisi = UserFactory(roles=[Role.APPLICANT])
    on_time = appointment_book(applicant=zhangsan, slot=slot(hs, 3, "10:00"))
    late = appointment_book(applicant=lisi, slot=slot(hs, 3, "09:00"))
    with time_machine.travel(at(9, 20, day=3)), pytest.raises(HallConflict, match="太早"):
        appointment_check_in(appointment=on_time, applicant=zhangsan)
    with time_machine.travel(at(9, 40, day=3)):
        ticket = appointment_check_in(appointment=on_time, applicant=zhangsan)
        late_ticket = appointment_check_in(appointment=late, applicant=lisi)
        again = appointment_check_in(appointment=on_time, applicant=zhangsan)
    assert ticket.priority == Ticket.Priority.APPOINTMENT
    assert ticket.source == Ticket.Source.APPOINTMENT and ticket.applicant == zhangsan
    assert late_ticket.priority == ""
    assert again.pk == ticket.pk
    assert Appointment.objects.get(pk=on_time.pk).status == Appointment.Status.CHECKED_IN


def test_the_kiosk_checks_in_by_code(hs: HallSetup, slots: int, zhangsan: User) -> None:
    appointment = appointment_book(applicant=zhangsan, slot=slot(hs, 2, "10:30"))
    assert appointment_by_code(hs.hall, "000000x", device=hs.kiosk.device) is None
    client = Client()
    headers = {"Authorization": f"Device {hs.kiosk.api_key}"}
    url = f"/api/hall/halls/{hs.hall.code}/check-in"
    wrong = client.post(url, {"code": "999999"}, content_type="application/json", headers=headers)
    assert wrong.status_code == 404
    response = client.post(
        url, {"code": appointment.code}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == "appointment"


def test_reminders_go_out_once_and_missed_appointments_are_marked(
    hs: HallSetup, slots: int, zhangsan: User
) -> None:
    tomorrow = appointment_book(applicant=zhangsan, slot=slot(hs, 3, "09:00"))
    later = appointment_book(applicant=zhangsan, slot=slot(hs, 6, "09:00"))
    line = appointments_sweep()
    assert "预约提醒 1 条" in line
    reminders = Notification.objects.filter(subject__startswith="预约提醒", channel="inbox")
    assert reminders.count() == 1 and tomorrow.code in reminders.get().body
    appointments_sweep()
    assert reminders.count() == 1
    with time_machine.travel(at(10, 0, day=3)):
        assert "未到预约 1 个" in appointments_sweep()
    assert Appointment.objects.get(pk=tomorrow.pk).status == Appointment.Status.MISSED
    assert Appointment.objects.get(pk=later.pk).status == Appointment.Status.BOOKED


def test_booking_pages(hs: HallSetup, slots: int, zhangsan: User) -> None:
    client = Client()
    client.force_login(zhangsan)
    page = client.get(f"/hall/{hs.hall.code}/book/", {"category": hs.a.pk})
    html = page.content.decode()
    first_slot = html[html.index('data-testid="slot"') :][:40]
    assert page.status_code == 200 and "10:30–11:00" in first_slot  # it is 10:00 now
    target = slot(hs, 3, "14:00")
    asked = client.post(f"/hall/{hs.hall.code}/book/", {"category": hs.a.pk, "slot": target.pk})
    confirm = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="book-confirm"' in confirm
    assert "14:00–14:30" in confirm and "身份证件" in confirm and hs.hall.address in confirm
    assert not Appointment.objects.filter(applicant=zhangsan).exists()  # one tap books nothing
    booked = client.post(
        f"/hall/{hs.hall.code}/book/", {"category": hs.a.pk, "slot": target.pk, "confirm": "1"}
    )
    assert booked.status_code == 302 and booked["Location"] == "/hall/appointments/"
    mine = client.get("/hall/appointments/").content.decode()
    assert "14:00" in mine and "已预约" in mine
