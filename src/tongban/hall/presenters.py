"""Hall objects as the API and the pages show them; tickets followed by a signed token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import segno
from django.core import signing
from django.urls import reverse

from tongban.accounts.models import User
from tongban.core import clock
from tongban.hall import selectors
from tongban.hall.models import (
    Appointment,
    AppointmentSlot,
    Hall,
    HallEvent,
    Ticket,
    TicketCase,
)

TOKEN_SALT = "tongban.hall.ticket"  # noqa: S105 — a signing namespace, not a secret
# A ticket link is good for the day it was issued and a little beyond.
TOKEN_MAX_AGE = 36 * 3600


def ticket_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=TOKEN_SALT, compress=True)


def ticket_from_token(token: str) -> Ticket | None:
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return Ticket.objects.select_related("hall", "category", "window").filter(pk=pk).first()


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def category_rows(hall: Hall) -> list[dict[str, Any]]:
    return [
        {
            "id": row["category"].pk,
            "letter": row["category"].letter,
            "name": row["category"].name,
            "description": row["category"].description,
            "waiting": row["waiting"],
            "windows_open": row["windows_open"],
            "wait_minutes": row["wait_minutes"],
            "appointments": row["category"].appointment_capacity > 0,
        }
        for row in selectors.queue_overview(hall, clock.localdate())
    ]


def hall_out(hall: Hall) -> dict[str, Any]:
    return {
        "code": hall.code,
        "name": hall.name,
        "address": hall.address,
        "hours": selectors.hall_hours_text(hall),
        "open_now": selectors.hall_open(hall),
        "categories": category_rows(hall),
    }


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    position = selectors.ticket_position(ticket)
    token = ticket_token(ticket)
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "hall": ticket.hall.name,
        "category": ticket.category.name,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "priority": ticket.priority,
        "issued_at": ticket.issued_at,
        "ahead": position.ahead if position else None,
        "wait_minutes": position.wait_minutes if position else None,
        "window": ticket.window.label if ticket.window else None,
        "follow_url": reverse("hall:ticket", args=[token]),
        "token": token,
    }


def call_out(event: HallEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "ticket": event.ticket_id,
        "number": event.ticket.number,
        "window": event.window.label if event.window else "",
        "text": event.text,
        "kind": event.kind,
        "recalled": event.kind == HallEvent.Kind.RECALLED,
        "at": event.at,
    }


def console_out(user: User) -> dict[str, Any]:
    session = selectors.open_session(user.pk)
    if session is None:
        return {"window": None, "hall": None, "current": None, "queues": []}
    window = session.window
    current = selectors.current_ticket(window)
    served = set(window.categories.values_list("pk", flat=True))
    return {
        "window": window.label,
        "hall": window.hall.name,
        "current": ticket_out(current) if current else None,
        "queues": [row for row in category_rows(window.hall) if row["id"] in served],
    }


def slot_out(slot: AppointmentSlot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "category": slot.category.name,
        "day": slot.day,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "left": slot.left,
    }


def appointment_out(appointment: Appointment) -> dict[str, Any]:
    slot = appointment.slot
    return {
        "id": appointment.pk,
        "hall": slot.hall.name,
        "category": slot.category.name,
        "day": slot.day,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "code": appointment.code,
        "status": appointment.status,
        "status_label": str(appointment.get_status_display()),
        "ticket": appointment.ticket.number if appointment.ticket else None,
    }


def link_out(link: TicketCase) -> dict[str, Any]:
    return {
        "ticket": link.ticket.number,
        "case_id": link.case_id,
        "case_number": link.case.number,
        "visits": link.case.visits.count(),
    }


def slots_by_day(slots: Iterable[AppointmentSlot]) -> dict[dt.date, list[AppointmentSlot]]:
    """Open appointment slots grouped by day, in the order given."""
    days: dict[dt.date, list[AppointmentSlot]] = {}
    for slot in slots:
        days.setdefault(slot.day, []).append(slot)
    return days
