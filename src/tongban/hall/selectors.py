"""Reads the hall pages and API share: opening hours, queues, a ticket's place and wait, the
board's recent calls and a window's console."""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.core import clock
from tongban.core.cache import cache_forget, cache_key, cached
from tongban.core.calendar import CalendarDataMissing, is_working_day
from tongban.hall.models import (
    Appointment,
    AppointmentSlot,
    Hall,
    HallDevice,
    HallEvent,
    QueueCategory,
    Ticket,
    Window,
    WindowSession,
)

logger = logging.getLogger(__name__)

# How many finished services today make the measured mean (the recent ones reflect the
# current staff and mix better than the whole day).
SERVICE_SAMPLE = 30


# Estimates and opening days are read on every ticket; a minute's staleness is harmless.
CALENDAR_TTL = 60
ESTIMATE_TTL = 30


def working_day(day: dt.date) -> bool:
    """The working-day calendar; a year nobody has entered yet falls back to Monday–Friday so
    that a hall keeps issuing tickets (the case clock reports the missing year itself)."""
    return cached(cache_key("hall.working_day", day), lambda: _working_day(day), CALENDAR_TTL)


def _working_day(day: dt.date) -> bool:
    try:
        return is_working_day(day)
    except CalendarDataMissing:
        logger.warning("hall: no working-day calendar for %s; assuming Mon–Fri", day.year)
        return day.weekday() < 5


def hall_open(hall: Hall, at: dt.datetime | None = None) -> bool:
    local = timezone.localtime(at or clock.now())
    return (
        hall.active
        and working_day(local.date())
        and hall.opens_at <= local.time().replace(tzinfo=None) < hall.closes_at
    )


def hall_hours_text(hall: Hall) -> str:
    return _("工作日 %(opens)s–%(closes)s") % {
        "opens": f"{hall.opens_at:%H:%M}",
        "closes": f"{hall.closes_at:%H:%M}",
    }


def item_hours_in_halls(item_code: str) -> str:
    """Where and when `item_code` is handled in person: each hall with a queue for it, and
    its hours (the guide's 办理时间 when the catalogue leaves it empty). Kept a minute, like
    the rest of a hall's settings."""

    def places() -> str:
        found = []
        for hall in Hall.objects.order_by("pk"):
            category = category_for_item(hall, item_code)
            if category is not None:
                found.append(
                    _("%(hours)s（%(hall)s，%(letter)s %(category)s）")
                    % {
                        "hours": hall_hours_text(hall),
                        "hall": hall.name,
                        "letter": category.letter,
                        "category": category.name,
                    }
                )
        return _("；").join(found[:3])

    key = cache_key("hall.item_hours", item_code, translation.get_language())
    return cached(key, places, HALL_TTL)


# A hall's settings and where a device stands change rarely; kiosks ask on every ticket.
HALL_TTL = 60


def hall_by_code(code: str) -> Hall | None:
    return cached(
        cache_key("hall.by_code", code), lambda: Hall.objects.filter(code=code).first(), HALL_TTL
    )


def hall_category(hall: Hall, category_id: int) -> QueueCategory | None:
    """An active category of the hall (the hall's categories cached together)."""
    categories = cached(
        cache_key("hall.categories", hall.pk),
        lambda: {c.pk: c for c in hall.categories.filter(active=True)},
        HALL_TTL,
    )
    return categories.get(category_id)


def hall_for_device(device_id: int) -> Hall | None:
    def find() -> Hall | None:
        post = HallDevice.objects.select_related("hall").filter(device_id=device_id).first()
        return post.hall if post else None

    return cached(cache_key("hall.device", device_id), find, HALL_TTL)


def open_session(user_id: int) -> WindowSession | None:
    return (
        WindowSession.objects.select_related("window__hall")
        .filter(user_id=user_id, ended_at__isnull=True)
        .first()
    )


def waiting_for(categories: Any, day: dt.date, window: Window | None = None) -> QuerySet[Ticket]:
    """Waiting tickets in these categories that this window may call (or any window)."""
    qs = Ticket.objects.filter(category__in=categories, day=day, status=Ticket.Status.WAITING)
    if window is not None:
        qs = qs.filter(Q(target_window__isnull=True) | Q(target_window=window))
    return qs


def mean_service_minutes(category: QueueCategory, day: dt.date) -> float:
    """Mean of today's recent service times in the category, else its configured default
    (cached briefly: it feeds estimates shown on every ticket)."""
    return cached(
        cache_key("hall.service", category.pk, day),
        lambda: _mean_service_minutes(category, day),
        ESTIMATE_TTL,
    )


def _mean_service_minutes(category: QueueCategory, day: dt.date) -> float:
    rows = list(
        Ticket.objects.filter(
            category=category,
            day=day,
            status=Ticket.Status.DONE,
            service_started_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("service_started_at", "finished_at")[:SERVICE_SAMPLE]
    )
    if not rows:
        return float(category.default_service_minutes)
    total = sum((end - start).total_seconds() for start, end in rows if end and start)
    return max(total / len(rows) / 60, 1.0)


def windows_serving(category: QueueCategory) -> int:
    return cached(
        cache_key("hall.windows", category.pk), lambda: _windows_serving(category), ESTIMATE_TTL
    )


def windows_changed(window: Window) -> None:
    """A window opened or closed: this process's estimates see it at once (others within
    ESTIMATE_TTL)."""
    for category_id in window.categories.values_list("pk", flat=True):
        cache_forget(cache_key("hall.windows", category_id))


def _windows_serving(category: QueueCategory) -> int:
    return (
        WindowSession.objects.filter(ended_at__isnull=True, window__categories=category)
        .values("window")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class Position:
    ahead: int
    wait_minutes: int
    windows_open: int


def ticket_position(ticket: Ticket) -> Position | None:
    """People ahead and the estimated wait, for a ticket still waiting."""
    if ticket.status != Ticket.Status.WAITING:
        return None
    same_queue = waiting_for([ticket.category_id], ticket.day).exclude(pk=ticket.pk)
    if ticket.target_window_id is not None:
        same_queue = same_queue.filter(
            Q(target_window__isnull=True) | Q(target_window_id=ticket.target_window_id)
        )
    if ticket.priority:
        ahead_q = Q(queued_at__lt=ticket.queued_at) & ~Q(priority="")
    else:
        ahead_q = ~Q(priority="") | Q(queued_at__lt=ticket.queued_at)
    ahead = same_queue.filter(ahead_q).count()
    windows = windows_serving(ticket.category)
    minutes = mean_service_minutes(ticket.category, ticket.day)
    wait = math.ceil(ahead * minutes / max(windows, 1))
    return Position(ahead=ahead, wait_minutes=wait, windows_open=windows)


def queue_overview(hall: Hall, day: dt.date) -> list[dict[str, Any]]:
    """Per active category: people waiting, the last number called, windows open, the wait."""
    categories = list(hall.categories.filter(active=True).order_by("order", "letter"))
    waiting = dict(
        Ticket.objects.filter(hall=hall, day=day, status=Ticket.Status.WAITING)
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    rows = []
    for category in categories:
        n = waiting.get(category.pk, 0)
        windows = windows_serving(category)
        minutes = mean_service_minutes(category, day)
        rows.append(
            {
                "category": category,
                "waiting": n,
                "windows_open": windows,
                "wait_minutes": math.ceil(n * minutes / max(windows, 1)),
            }
        )
    return rows


def recent_calls(hall: Hall, *, limit: int = 8) -> list[HallEvent]:
    """The board's list: today's latest calls, newest first, each ticket once (its latest call
    or recall: a recalled ticket keeps one row, marked as recalled)."""
    start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    events = (
        HallEvent.objects.select_related("ticket", "window")
        .filter(
            hall=hall,
            at__gte=start,
            kind__in=(HallEvent.Kind.CALLED, HallEvent.Kind.RECALLED),
        )
        .order_by("-id")
    )
    shown: dict[int, HallEvent] = {}
    for event in events[: limit * 6]:
        shown.setdefault(event.ticket_id, event)
        if len(shown) == limit:
            break
    return list(shown.values())


def events_after(hall: Hall, last_id: int, *, limit: int = 50) -> list[HallEvent]:
    return list(
        HallEvent.objects.select_related("ticket", "window")
        .filter(
            hall=hall,
            id__gt=last_id,
            kind__in=(HallEvent.Kind.CALLED, HallEvent.Kind.RECALLED),
        )
        .order_by("id")[:limit]
    )


def latest_event_id(hall: Hall) -> int:
    last = HallEvent.objects.filter(hall=hall).order_by("-id").values_list("id", flat=True)
    return int(last.first() or 0)


def current_ticket(window: Window) -> Ticket | None:
    return (
        Ticket.objects.select_related("category", "applicant")
        .filter(window=window, status__in=(Ticket.Status.CALLED, Ticket.Status.SERVING))
        .order_by("-called_at")
        .first()
    )


def open_slots(
    hall: Hall, category_id: int, now: dt.datetime | None = None
) -> list[AppointmentSlot]:
    """Bookable slots of a category from now on, with places left."""
    local = timezone.localtime(now or clock.now())
    slots = (
        AppointmentSlot.objects.select_related("category")
        .filter(hall=hall, category_id=category_id, day__gte=local.date())
        .order_by("day", "starts_at")
    )
    return [
        s
        for s in slots
        if (s.day, s.starts_at) > (local.date(), local.time().replace(tzinfo=None))
        and s.booked < s.capacity
    ]


def appointments_of(user_id: int) -> QuerySet[Appointment]:
    return (
        Appointment.objects.select_related("slot__hall", "slot__category", "ticket")
        .filter(applicant_id=user_id)
        .order_by("-day", "-slot__starts_at")
    )


def latest_day(hall: Hall) -> dt.date:
    """Today, or the hall's last day with tickets when none were issued today yet."""
    today = clock.localdate()
    last = (
        Ticket.objects.filter(hall=hall, day__lte=today)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    return last or today


def case_by_ref(ref: str) -> Case | None:
    """The case a clerk types at the window: its case number, or its application number."""
    ref = ref.strip()
    case = Case.objects.filter(number=ref).first() if ref else None
    if case is None and ref.isdigit():
        case = Case.objects.filter(pk=int(ref)).first()
    return case


def caller_cases(ticket_id: int) -> list[Case]:
    """The ticket holder's open cases (submitted, in correction, in review, results waiting),
    newest first, for the window to pick without typing a number (none for an anonymous
    kiosk ticket)."""
    applicant_id = Ticket.objects.filter(pk=ticket_id).values_list("applicant_id", flat=True)
    return list(
        Case.objects.select_related("item")
        .filter(applicant_id__in=applicant_id, in_queue=True)
        .order_by("-created_at")[:10]
    )


def caller_appointments(ticket_id: int) -> list[Appointment]:
    """The ticket holder's appointments from today on."""
    applicant_id = Ticket.objects.filter(pk=ticket_id).values_list("applicant_id", flat=True)
    return list(
        Appointment.objects.select_related("slot__category", "slot__hall")
        .filter(applicant_id__in=applicant_id, day__gte=clock.localdate())
        .order_by("day", "slot__starts_at")[:5]
    )


def windows_for_staff(user_id: int) -> list[Window]:
    """The windows a person may sign in at: those of the halls they staff or manage."""
    return list(
        Window.objects.select_related("hall")
        .filter(Q(hall__staff__id=user_id) | Q(hall__managers__id=user_id), active=True)
        .distinct()
        .order_by("hall_id", "number")
    )


def category_for_item(hall: Hall, item_code: str) -> QueueCategory | None:
    """The queue for an item at this hall: the category that lists it, else the general one
    (a category that lists no items takes everything: 综合受理)."""
    categories = list(hall.categories.filter(active=True).order_by("letter"))
    listed = next((c for c in categories if item_code in (c.item_codes or [])), None)
    return listed or next((c for c in categories if not c.item_codes), None)
