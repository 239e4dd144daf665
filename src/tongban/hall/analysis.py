"""The hall's own analysis for one day, from its tickets and window sessions: arrivals,
waiting and service times, abandonment, window utilisation, the share of tickets that ended in
an accepted case, the peak hour, and the Erlang C staffing advice next to what was open."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tongban.core import clock
from tongban.hall.models import Hall, Ticket, TicketCase, WindowSession
from tongban.hall.staffing import mean_wait_minutes, windows_needed


def _minutes(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds() / 60.0, 0.0)


def p90(values: list[float]) -> float | None:
    """The 90th percentile (nearest rank), or None without data."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


@dataclass
class Group:
    """Figures for one slice of the day (the hall, a category, an hour)."""

    arrivals: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    with_case: int = 0

    def add(self, t: Mapping[str, Any], has_case: bool) -> None:
        self.arrivals += 1
        wait = _minutes(t["issued_at"], t["called_at"])
        if wait is not None:
            self.waits.append(wait)
        if t["status"] == Ticket.Status.DONE:
            self.served += 1
            self.with_case += has_case
            service = _minutes(t["service_started_at"], t["finished_at"])
            if service is not None:
                self.services.append(service)
        elif t["status"] == Ticket.Status.NO_SHOW:
            self.no_show += 1
        elif t["status"] == Ticket.Status.CANCELLED:
            self.cancelled += 1

    def out(self) -> dict[str, Any]:
        return {
            "arrivals": self.arrivals,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "abandonment": (self.no_show + self.cancelled) / self.arrivals
            if self.arrivals
            else None,
            "wait_mean": mean(self.waits),
            "wait_p90": p90(self.waits),
            "service_mean": mean(self.services),
            "service_p90": p90(self.services),
            "case_share": self.with_case / self.served if self.served else None,
        }


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _hours(hall: Hall) -> list[int]:
    last = hall.closes_at.hour - (1 if hall.closes_at.minute == 0 else 0)
    return list(range(hall.opens_at.hour, last + 1))


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max((min(a1, b1) - max(a0, b0)).total_seconds() / 60.0, 0.0)


def hall_day_figures(hall: Hall, day: dt.date) -> dict[str, Any]:
    start, end = _day_bounds(day)
    now = min(clock.now(), end)
    tickets = list(
        Ticket.objects.filter(hall=hall, day=day).values(
            "pk",
            "numbered_in_id",
            "window_id",
            "status",
            "issued_at",
            "called_at",
            "service_started_at",
            "finished_at",
        )
    )
    with_case = set(
        TicketCase.objects.filter(
            ticket__hall=hall, ticket__day=day, case__accepted_at__isnull=False
        ).values_list("ticket_id", flat=True)
    )
    categories = list(hall.categories.filter(active=True).order_by("order", "letter"))
    windows = list(hall.windows.filter(active=True).prefetch_related("categories"))
    sessions = list(
        WindowSession.objects.filter(window__hall=hall, started_at__lt=end).exclude(
            ended_at__lt=start
        )
    )

    total = Group()
    by_cat: dict[int, Group] = defaultdict(Group)
    by_hour: dict[int, Group] = defaultdict(Group)
    cat_hour: dict[tuple[int, int], int] = defaultdict(int)
    busy: dict[int, float] = defaultdict(float)
    served_at: dict[int, int] = defaultdict(int)
    for t in tickets:
        hour = timezone.localtime(t["issued_at"]).hour
        has_case = t["pk"] in with_case
        total.add(t, has_case)
        by_cat[t["numbered_in_id"]].add(t, has_case)
        by_hour[hour].add(t, has_case)
        cat_hour[(t["numbered_in_id"], hour)] += 1
        service = _minutes(t["service_started_at"], t["finished_at"])
        if t["window_id"] and service is not None:
            busy[t["window_id"]] += service
            served_at[t["window_id"]] += 1

    staffed: dict[int, float] = defaultdict(float)
    for s in sessions:
        staffed[s.window_id] += _overlap(s.started_at, s.ended_at or now, start, now)

    hours = _hours(hall)
    peak_hour = max(hours, key=lambda h: by_hour[h].arrivals) if tickets else None
    figures: dict[str, Any] = {
        "day": day,
        "totals": total.out(),
        "peak": {"hour": peak_hour, "arrivals": by_hour[peak_hour].arrivals}
        if peak_hour is not None
        else None,
        "by_hour": [{"hour": h, **by_hour[h].out()} for h in hours],
        "by_category": [
            {"letter": c.letter, "name": c.name, **by_cat[c.pk].out()} for c in categories
        ],
        "by_window": [
            {
                "label": w.label,
                "served": served_at[w.pk],
                "staffed_minutes": round(staffed[w.pk]),
                "busy_minutes": round(busy[w.pk]),
                "utilisation": busy[w.pk] / staffed[w.pk] if staffed[w.pk] else None,
            }
            for w in windows
        ],
        "staffing": _staffing(hall, day, categories, windows, sessions, cat_hour, by_cat),
    }
    return figures


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def _open_windows(
    category_id: int,
    windows: list[Any],
    sessions: Iterable[WindowSession],
    start: dt.datetime,
    end: dt.datetime,
) -> int:
    """Windows serving the category that were signed in at any time in [start, end)."""
    serving = {w.pk for w in windows if any(c.pk == category_id for c in w.categories.all())}
    return len(
        {
            s.window_id
            for s in sessions
            if s.window_id in serving
            and s.started_at < end
            and (s.ended_at is None or s.ended_at > start)
        }
    )


def _staffing(
    hall: Hall,
    day: dt.date,
    categories: list[Any],
    windows: list[Any],
    sessions: list[WindowSession],
    cat_hour: dict[tuple[int, int], int],
    by_cat: dict[int, Group],
) -> list[dict[str, Any]]:
    """Per category and hour: arrivals, the day's measured service time, windows that were
    signed in during the hour, the windows Erlang C advises for the hall's target, and the mean
    wait the model predicts for each."""
    rows = []
    target = float(hall.wait_target_minutes)
    for category in categories:
        service = mean(by_cat[category.pk].services) or float(category.default_service_minutes)
        for hour in _hours(hall):
            arrivals = cat_hour.get((category.pk, hour), 0)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
            open_now = _open_windows(
                category.pk, windows, sessions, start, start + dt.timedelta(hours=1)
            )
            advice = windows_needed(arrivals, service, target)
            rows.append(
                {
                    "letter": category.letter,
                    "category": category.name,
                    "hour": hour,
                    "arrivals": arrivals,
                    "service_minutes": service,
                    "open_windows": open_now,
                    "advised_windows": advice.windows,
                    "advised_wait": advice.mean_wait_minutes,
                    # None: the open windows could not keep up (the queue only grows).
                    "open_wait": _finite(mean_wait_minutes(open_now, arrivals, service)),
                    "short": advice.windows > open_now,
                }
            )
    return rows
