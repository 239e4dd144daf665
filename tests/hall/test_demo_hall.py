"""The demo city's hall: set up with its devices and staff, and the previous working day
replayed through the services, so the dashboard has a day to show."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from tongban.accounts.models import User
from tongban.demo.hall_seed import demo_hall_history
from tongban.hall.models import Hall, Ticket, WindowSession
from tongban.hall.selectors import latest_day


def test_the_demo_hall_and_its_replayed_day(demo_city_with_cases: None) -> None:
    hall = Hall.objects.get(code="xa-civic")
    assert list(hall.categories.values_list("letter", flat=True)) == ["A", "B", "C", "D"]
    assert hall.devices.count() == 2
    day = latest_day(hall)
    tickets = Ticket.objects.filter(hall=hall, day=day)
    assert tickets.count() > 100
    # Every ticket of the day ended; every window signed out at closing.
    assert set(tickets.values_list("status", flat=True)) <= {"done", "no_show"}
    assert not WindowSession.objects.filter(ended_at__isnull=True).exists()
    first, last = tickets.order_by("issued_at").first(), tickets.order_by("issued_at").last()
    assert first is not None and last is not None
    # Issued at the replayed times, within the day's arrivals (09:00–17:00 in Xi'an).
    assert timezone.localtime(first.issued_at).hour >= 9
    assert timezone.localtime(last.issued_at).hour < 17
    assert demo_hall_history(hall) == 0  # idempotent

    client = Client()
    client.force_login(User.objects.get(username="manager"))
    page = client.get("/hall/xa-civic/dashboard/").content.decode()
    assert f'data-testid="fig-arrivals">{tickets.count()}<' in page
    assert 'data-testid="staffing-row"' in page
