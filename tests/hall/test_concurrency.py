"""Concurrency on a real database server: tickets issued at once get distinct consecutive
numbers, windows calling at once get distinct tickets, and a slot is never overbooked.
(The embedded SQLite default serialises writers; these run in the PostgreSQL pass.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tests.racing import race
from tongban.accounts.models import Role, User
from tongban.hall.models import AppointmentSlot, Ticket
from tongban.hall.services import HallConflict
from tongban.hall.services import console as c
from tongban.hall.services.appointments import appointment_book, slots_ensure
from tongban.hall.services.tickets import ticket_issue

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database server (runs on PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_tickets_issued_at_once_are_consecutive(hs: HallSetup) -> None:
    def issue(n: int) -> Callable[[], Ticket]:
        return lambda: ticket_issue(
            hall=hs.hall,
            category=hs.a,
            source=Ticket.Source.KIOSK,
            device=hs.kiosk.device,
            idempotency_key=f"race-{n}",
        )

    results = race([issue(n) for n in range(24)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(t.seq for t in results) == list(range(1, 25))
    assert len({t.number for t in results}) == 24


def test_windows_calling_at_once_get_different_tickets(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    clerks = [hall_clerk, second_clerk, *(UserFactory(roles=[Role.CLERK]) for _ in range(2))]
    hs.hall.staff.add(*clerks[2:])
    from tongban.hall.services.setup import hall_define

    hall_define(
        code=hs.hall.code,
        name=hs.hall.name,
        address=hs.hall.address,
        categories=[{"letter": "A", "name": "综合受理"}],
        windows=[{"number": n, "categories": ["A"]} for n in (4, 5)],
    )
    windows = list(hs.hall.windows.filter(categories=hs.a).order_by("number"))[:4]
    for clerk, window in zip(clerks, windows, strict=True):
        c.window_sign_in(user=clerk, window=window)
    for _ in range(3):
        ticket_issue(
            hall=hs.hall, category=hs.a, source=Ticket.Source.KIOSK, device=hs.kiosk.device
        )
    results = race([lambda u=u: c.ticket_call_next(user=u) for u in clerks])
    called = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if not isinstance(r, Ticket)]
    # Three tickets, four windows: each ticket goes to one window; the fourth finds nobody
    # (None) or is told to try again (the ticket it picked was taken a moment before).
    assert len({t.pk for t in called}) == len(called)
    assert all(r is None or isinstance(r, HallConflict) for r in refused), refused
    assert Ticket.objects.filter(status=Ticket.Status.CALLED).count() == len(called)
    assert len(called) >= 2


def test_a_slot_is_never_overbooked(hs: HallSetup) -> None:
    slots_ensure(hs.hall)
    slot = AppointmentSlot.objects.filter(category=hs.a).order_by("day", "starts_at").last()
    assert slot is not None and slot.capacity == 2
    people = [UserFactory(roles=[Role.APPLICANT]) for _ in range(8)]
    results = race([lambda p=p: appointment_book(applicant=p, slot=slot) for p in people])
    booked = [r for r in results if not isinstance(r, Exception)]
    assert len(booked) == 2
    assert all(isinstance(r, HallConflict) for r in results if isinstance(r, Exception))
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 2
