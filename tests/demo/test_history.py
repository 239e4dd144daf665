"""The demo city's replayed past: through the services, on the replayed days' clock, nothing
refused, deterministic for a seed, and extendable (days already replayed are skipped)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tongban.analytics.daily import figures_refresh
from tongban.analytics.scoreboard import Filters, Period, scoreboard
from tongban.cases.models import Case
from tongban.core.audit import audit_verify
from tongban.demo.history import KEY, demo_history
from tongban.ratings.models import Rating

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
END = dt.date(2026, 3, 13)  # a Friday; the week before and this one


@time_machine.travel(dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC), tick=True)
def test_two_weeks_replayed_through_the_services(demo_city: None) -> None:
    report = demo_history(days=12, seed=7, scale=0.5, end=END)
    assert report.days == 12 and report.refused == 0, report.refusals
    assert report.cases > 20 and report.tickets > 0 and report.ratings > 0
    replayed = Case.objects.filter(idempotency_key__startswith=f"{KEY}-")
    first = dt.datetime(2026, 3, 2, tzinfo=dt.UTC) - dt.timedelta(hours=8)
    for submitted, completed in replayed.values_list("submitted_at", "completed_at"):
        assert submitted is not None and first <= submitted
        assert completed is None or completed.date() <= dt.date(2026, 3, 14)
    assert Rating.objects.filter(rated_at__lt=first).count() == 0
    assert audit_verify().ok
    again = demo_history(days=12, seed=7, scale=0.5, end=END)
    assert (again.days, again.skipped, again.cases) == (0, 12, 0)
    figures_refresh()
    board = scoreboard(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), Filters())
    values = {f["definition"].code: f["value"] for f in board["figures"]}
    assert values["online_share"] is not None and 0 < values["online_share"] < 100
    assert values["visits_per_case"] is not None
