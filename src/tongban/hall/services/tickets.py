"""Issuing queue tickets: at a kiosk, remotely from a phone or the portal, or by checking in an
appointment. Numbers are per category per day (A001, A002, …), unique and gap-free: the
counter row is locked inside the issuing transaction and a rollback gives the number back."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity, User
from tongban.cases.models import Case, CaseState
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.context import Actor, acting_as, current_actor
from tongban.core.ids import id_number_birth_date
from tongban.hall import selectors
from tongban.hall.models import Hall, HallEvent, QueueCategory, Ticket, TicketCounter
from tongban.hall.services import HallConflict
from tongban.hall.services.events import hall_event

# Priorities a person may claim when taking a ticket (staff verify them at the window);
# appointment priority comes only from an on-time check-in, never from a claim.
CLAIMABLE = {Ticket.Priority.ELDERLY, Ticket.Priority.DISABLED, Ticket.Priority.CORRECTION}


# see decision 16
def ticket_number_next(category: QueueCategory, day: dt.date) -> int:
    """One statement in the common case: the increment takes the row lock and returns the
    new value (SQLite ≥ 3.35 and PostgreSQL both support UPDATE … RETURNING)."""
    table = TicketCounter._meta.db_table
    sql = f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "category_id" = %s AND "day" = %s RETURNING "last"'  # noqa: S608, E501 — fixed identifiers, bound values
    with connection.cursor() as cursor:
        cursor.execute(sql, [category.pk, day])
        row = cursor.fetchone()
        if row is None:  # the day's first ticket in this category
            TicketCounter.objects.bulk_create(
                [TicketCounter(category=category, day=day)], ignore_conflicts=True
            )
            cursor.execute(sql, [category.pk, day])
            row = cursor.fetchone()
    return int(row[0])


def _age_on(user: User, day: dt.date) -> int | None:
    if not user.id_number:
        return None
    born = id_number_birth_date(user.id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _has_case_in_correction(user: User, category: QueueCategory) -> bool:
    cases = Case.objects.filter(applicant=user, state=CaseState.CORRECTION)
    if category.item_codes:
        cases = cases.filter(item__code__in=category.item_codes)
    return cases.exists()


def _priority(
    hall: Hall, category: QueueCategory, claim: str, applicant: User | None, day: dt.date
) -> str:
    """The priority the ticket gets: a claim the hall honours, checked where the platform can
    check it (age from the ID number, a case waiting for correction)."""
    if not claim:
        return ""
    if claim not in CLAIMABLE:
        raise ValidationError({"priority": [f"不能申请“{claim}”优先"]})
    enabled = {
        Ticket.Priority.ELDERLY: hall.priority_elderly,
        Ticket.Priority.DISABLED: hall.priority_disabled,
        Ticket.Priority.CORRECTION: hall.priority_correction,
    }
    if not enabled[Ticket.Priority(claim)]:
        raise ValidationError({"priority": [f"本大厅未设置“{Ticket.Priority(claim).label}”优先"]})
    if applicant is not None and claim == Ticket.Priority.ELDERLY:
        age = _age_on(applicant, day)
        if age is not None and age < hall.elderly_age:
            raise ValidationError({"priority": [f"老年人优先须年满{hall.elderly_age}周岁"]})
    correction = claim == Ticket.Priority.CORRECTION
    if correction and applicant is not None and not _has_case_in_correction(applicant, category):
        raise ValidationError({"priority": ["您在该类别没有待补正的办件"]})
    return claim


def _scoped_key(key: str | None, device: DeviceIdentity | None, user: User | None) -> str | None:
    if not key:
        return None
    owner = f"d{device.pk}" if device is not None else f"u{user.pk if user else 0}"
    return f"{owner}:{key}"[:100]


def _check_issuer(
    hall: Hall, source: str, device: DeviceIdentity | None, applicant: User | None
) -> None:
    if source == Ticket.Source.KIOSK or device is not None:
        if device is None or device.kind != DeviceIdentity.Kind.KIOSK:
            raise PermissionDenied("只有本大厅的取号自助机可以现场取号")
        if selectors.hall_for_device(device.pk) != hall:
            raise PermissionDenied("该自助机不属于本大厅")
    elif source == Ticket.Source.REMOTE and applicant is None:
        raise PermissionDenied("远程取号请先登录")


def ticket_issue(
    *,
    hall: Hall,
    category: QueueCategory,
    source: str,
    device: DeviceIdentity | None = None,
    applicant: User | None = None,
    priority: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Issue the next ticket in `category`; a retry with the same key returns the first one."""
    scoped = _scoped_key(idempotency_key, device, applicant)
    actor = (
        Actor(id=f"device:{device.pk}", label=f"设备 {device.name}")
        if device is not None
        else current_actor()
    )
    try:
        with acting_as(actor), transaction.atomic():
            return _issue(hall, category, source, device, applicant, priority, scoped, now)
    except IntegrityError:
        # A retry with the same key (or one racing in): the first ticket stands, and the
        # rolled-back attempt gave its number back.
        existing = Ticket.objects.filter(hall=hall, idempotency_key=scoped).first()
        if scoped is None or existing is None:
            raise
        return existing


LIVE_STATUSES = (Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.SERVING)


def _issue(
    hall: Hall,
    category: QueueCategory,
    source: str,
    device: DeviceIdentity | None,
    applicant: User | None,
    claim: str,
    scoped_key: str | None,
    now: dt.datetime | None,
) -> Ticket:
    now = now or clock.now()
    day = timezone.localdate(now)
    if category.hall_id != hall.pk or not category.active:
        raise ValidationError({"category": ["本大厅没有这个排队类别"]})
    _check_issuer(hall, source, device, applicant)
    if not selectors.hall_open(hall, now):
        raise HallConflict(
            f"{hall.name}现在不在办公时间（{selectors.hall_hours_text(hall)}），暂不能取号"
        )
    if applicant is not None:
        # One live ticket per person and queue a day: pressing again shows the first one.
        held = Ticket.objects.filter(
            applicant=applicant, category=category, day=day, status__in=LIVE_STATUSES
        ).first()
        if held is not None:
            return held
    priority = (
        Ticket.Priority.APPOINTMENT
        if claim == Ticket.Priority.APPOINTMENT and source == Ticket.Source.APPOINTMENT
        else _priority(hall, category, claim, applicant, day)
    )
    seq = ticket_number_next(category, day)
    ticket = Ticket.objects.create(
        hall=hall,
        category=category,
        numbered_in=category,
        day=day,
        seq=seq,
        number=f"{category.letter}{seq:03d}",
        source=source,
        priority=priority,
        applicant=applicant,
        device=device,
        idempotency_key=scoped_key,
        issued_at=now,
        queued_at=now,
    )
    hall_event(ticket, HallEvent.Kind.ISSUED)
    audit_log(
        action="hall.ticket.issue",
        obj=ticket,
        changes={
            "number": [None, ticket.number],
            "source": [None, source],
            **({"priority": [None, priority]} if priority else {}),
        },
    )
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, applicant: User) -> Ticket:
    """The holder gives up a waiting ticket (so the estimate for everyone behind improves)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.applicant_id != applicant.pk:
        raise PermissionDenied("只能取消自己的排队号")
    if ticket.status != Ticket.Status.WAITING:
        raise HallConflict(f"排队号{ticket.number}当前“{ticket.get_status_display()}”，不能取消")
    ticket.status = Ticket.Status.CANCELLED
    ticket.finished_at = clock.now()
    ticket.save(update_fields=["status", "finished_at"])
    hall_event(ticket, HallEvent.Kind.CANCELLED)
    audit_log(action="hall.ticket.cancel", obj=ticket, changes={"status": ["waiting", "cancelled"]})
    return ticket
