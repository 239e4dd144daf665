"""Appointments (预约): half-hour slots per category with a capacity, booked and cancelled
online without ever overbooking (the slot row is locked and a database constraint backs
it), a reminder the day before, and a check-in that turns the appointment into a ticket —
a priority ticket when the person arrives on time."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity, User
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.throttle import FailureGate
from tongban.hall import selectors
from tongban.hall.models import Appointment, AppointmentSlot, Hall, Ticket
from tongban.hall.services import HallConflict
from tongban.hall.services.tickets import ticket_issue
from tongban.notify.services import notify

SLOT_MINUTES = 30
BOOKING_DAYS = 10  # how far ahead slots are open, in calendar days
EARLY_CHECK_IN = dt.timedelta(minutes=30)
REMIND_AHEAD = dt.timedelta(hours=24)


def _slot_times(hall: Hall) -> list[tuple[dt.time, dt.time]]:
    day = dt.date(2000, 1, 3)
    start = dt.datetime.combine(day, hall.opens_at)
    close = dt.datetime.combine(day, hall.closes_at)
    step = dt.timedelta(minutes=SLOT_MINUTES)
    times = []
    while start + step <= close:
        times.append((start.time(), (start + step).time()))
        start += step
    return times


def slots_ensure(hall: Hall, *, today: dt.date | None = None) -> int:
    """Open the slots of the next BOOKING_DAYS working days (idempotent); returns how many
    new slots exist."""
    today = today or clock.localdate()
    categories = list(hall.categories.filter(active=True, appointment_capacity__gt=0))
    rows = [
        AppointmentSlot(
            hall=hall,
            category=category,
            day=day,
            starts_at=start,
            ends_at=end,
            capacity=category.appointment_capacity,
        )
        for offset in range(BOOKING_DAYS + 1)
        if selectors.working_day(day := today + dt.timedelta(days=offset))
        for category in categories
        for start, end in _slot_times(hall)
    ]
    before = AppointmentSlot.objects.filter(hall=hall).count()
    AppointmentSlot.objects.bulk_create(rows, ignore_conflicts=True)
    return AppointmentSlot.objects.filter(hall=hall).count() - before


def _starts(slot: AppointmentSlot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.day, slot.starts_at))


def _ends(slot: AppointmentSlot) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(slot.day, slot.ends_at))


def _new_code(day: dt.date) -> str:
    for _ in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if not Appointment.objects.filter(day=day, code=code).exists():
            return code
    raise HallConflict("预约繁忙，请稍后再试")


def appointment_book(
    *, applicant: User, slot: AppointmentSlot, idempotency_key: str | None = None
) -> Appointment:
    """Book one place; a retry with the same key returns the first booking."""
    if idempotency_key:
        existing = Appointment.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return _book(applicant, slot, idempotency_key)
    except IntegrityError as exc:
        existing = Appointment.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if idempotency_key and existing is not None:
            return existing
        raise HallConflict("您当天已预约过该类别") from exc


def _book(applicant: User, slot: AppointmentSlot, key: str | None) -> Appointment:
    slot = (
        AppointmentSlot.objects.select_for_update(of=("self",))
        .select_related("hall", "category")
        .get(pk=slot.pk)
    )
    if _starts(slot) <= clock.now():
        raise ValidationError({"slot": ["该时段已开始或已过去，请选择其他时段"]})
    if Appointment.objects.filter(
        applicant=applicant, category=slot.category, day=slot.day, status__in=Appointment.ACTIVE
    ).exists():
        raise HallConflict(f"您已预约{slot.day:%m月%d日}的“{slot.category.name}”，请勿重复预约")
    if slot.booked >= slot.capacity:
        raise HallConflict("该时段已约满，请选择其他时段")
    slot.booked += 1
    slot.save(update_fields=["booked"])
    appointment = Appointment.objects.create(
        slot=slot,
        category=slot.category,
        day=slot.day,
        applicant=applicant,
        code=_new_code(slot.day),
        idempotency_key=key,
    )
    notify(
        recipients=[applicant],
        subject=f"{slot.hall.name}预约成功",
        body=(
            f"您已预约{slot.day:%Y年%m月%d日} {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
            f"的“{slot.category.name}”，签到码 {appointment.code}。"
            "请在预约时段前30分钟内到大厅自助机或在手机上签到取号。"
        ),
        ref=f"hall-appointment:{appointment.pk}",
        channel_names=("inbox",),
    )
    audit_log(
        action="hall.appointment.book",
        obj=appointment,
        changes={"slot": [None, str(slot)], "applicant": [None, applicant.pk]},
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, applicant: User, appointment: Appointment) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot")
        .get(pk=appointment.pk)
    )
    if appointment.applicant_id != applicant.pk:
        raise PermissionDenied("只能取消自己的预约")
    if appointment.status != Appointment.Status.BOOKED:
        raise HallConflict(f"预约当前“{appointment.get_status_display()}”，不能取消")
    if _starts(appointment.slot) <= clock.now():
        raise HallConflict("预约时段已开始，不能再取消")
    slot = AppointmentSlot.objects.select_for_update().get(pk=appointment.slot_id)
    slot.booked -= 1
    slot.save(update_fields=["booked"])
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = clock.now()
    appointment.save(update_fields=["status", "cancelled_at"])
    audit_log(
        action="hall.appointment.cancel",
        obj=appointment,
        changes={"status": ["booked", "cancelled"]},
    )
    return appointment


@transaction.atomic
def appointment_check_in(
    *,
    appointment: Appointment,
    device: DeviceIdentity | None = None,
    applicant: User | None = None,
) -> Ticket:
    """Turn the appointment into a ticket: priority when within the slot (or up to 30
    minutes before), an ordinary ticket when late; too early is refused."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__hall", "slot__category", "applicant")
        .get(pk=appointment.pk)
    )
    slot = appointment.slot
    if applicant is not None and appointment.applicant_id != applicant.pk:
        raise PermissionDenied("只能为自己的预约签到")
    if appointment.status == Appointment.Status.CHECKED_IN and appointment.ticket is not None:
        return appointment.ticket
    if appointment.status == Appointment.Status.CANCELLED:
        raise HallConflict("该预约已取消")
    now = clock.now()
    if appointment.day != timezone.localdate(now):
        raise HallConflict(f"该预约是{appointment.day:%m月%d日}的，请当天签到")
    if now < _starts(slot) - EARLY_CHECK_IN:
        raise HallConflict(f"请在预约时段（{slot.starts_at:%H:%M}）前30分钟内签到，现在还太早")
    on_time = now <= _ends(slot) and slot.hall.priority_appointment
    ticket = ticket_issue(
        hall=slot.hall,
        category=slot.category,
        source=Ticket.Source.APPOINTMENT,
        device=device,
        applicant=appointment.applicant,
        priority=Ticket.Priority.APPOINTMENT if on_time else "",
        idempotency_key=f"appointment:{appointment.pk}",
    )
    appointment.status = Appointment.Status.CHECKED_IN
    appointment.checked_in_at = now
    appointment.ticket = ticket
    appointment.save(update_fields=["status", "checked_in_at", "ticket"])
    audit_log(
        action="hall.appointment.check_in",
        obj=appointment,
        changes={"ticket": [None, ticket.number], "on_time": on_time},
    )
    return ticket


# Check-in codes are short: a kiosk gets a few wrong ones per window, then waits.
CHECK_IN_CODE_GATE = FailureGate("hall.check_in_code", limit=10, window=300)


def appointment_by_code(hall: Hall, code: str, *, device: DeviceIdentity) -> Appointment | None:
    """Today's appointment at this hall with this check-in code. A kiosk that tries too many
    wrong codes is stopped for the rest of the window (429), so codes cannot be guessed."""
    client = f"device:{device.key_id}"
    CHECK_IN_CODE_GATE.check(client)
    found = (
        Appointment.objects.select_related("slot")
        .filter(slot__hall=hall, day=clock.localdate(), code=code.strip()[:16])
        .first()
    )
    if found is None:
        CHECK_IN_CODE_GATE.fail(client, "签到码无效", hall=hall.code)
    return found


def appointments_sweep(*, now: dt.datetime | None = None) -> str:
    """Reminders a day ahead; appointments whose slot ended without a check-in are missed;
    every hall's slots stay open BOOKING_DAYS ahead."""
    now = now or clock.now()
    for hall in Hall.objects.filter(active=True):
        slots_ensure(hall, today=timezone.localdate(now))
    due = Appointment.objects.select_related("slot__hall", "slot__category", "applicant").filter(
        status=Appointment.Status.BOOKED, reminded=False, day__lte=(now + REMIND_AHEAD).date()
    )
    reminded = 0
    for appointment in due:
        if not now < _starts(appointment.slot) <= now + REMIND_AHEAD:
            continue
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, reminded=False).update(
                reminded=True
            )
            if not claimed:
                continue
            slot = appointment.slot
            notify(
                recipients=[appointment.applicant],
                subject=f"预约提醒：{slot.hall.name}",
                body=(
                    f"您预约了{slot.day:%m月%d日} {slot.starts_at:%H:%M}的“{slot.category.name}”"
                    f"（签到码 {appointment.code}），请按时到达；不能前往请提前取消。"
                ),
                ref=f"hall-appointment:{appointment.pk}",
            )
            reminded += 1
    missed = 0
    for appointment in Appointment.objects.select_related("slot").filter(
        status=Appointment.Status.BOOKED, day__lte=timezone.localdate(now)
    ):
        if _ends(appointment.slot) < now:
            missed += Appointment.objects.filter(
                pk=appointment.pk, status=Appointment.Status.BOOKED
            ).update(status=Appointment.Status.MISSED)
    return f"预约提醒 {reminded} 条；未到预约 {missed} 个"
