"""Recording a hall event: the row the boards and the analysis read, announced after commit."""

from __future__ import annotations

from django.db import transaction

from tongban.core import clock
from tongban.hall.live import hub
from tongban.hall.models import HallEvent, Ticket, Window


def spoken_text(ticket: Ticket, window: Window) -> str:
    """The line the hall's speaker reads: digits one by one, as Chinese halls announce them."""
    digits = " ".join(ticket.number[1:])
    return f"请 {ticket.number[0]} {digits} 号 到 {window.number} 号窗口办理"


def hall_event(
    ticket: Ticket, kind: str, *, window: Window | None = None, text: str = ""
) -> HallEvent:
    event = HallEvent.objects.create(
        hall_id=ticket.hall_id,
        ticket=ticket,
        window=window,
        kind=kind,
        at=clock.now(),
        text=text,
    )
    transaction.on_commit(lambda: hub.announce(event.pk))
    return event
