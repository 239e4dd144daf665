"""The city's scoreboard ("data runs, not people"): the three numbers — visits, papers, days —
and the rest, each with its definition, computed from the daily aggregates for any filter
(item, department, life event, audience, hall) and month, with the year before for the
trend, and set beside the published figures of the best platforms.

Every figure is a ratio of sums of additive counters, so a period or a filter is a sum of
rows; the median and the 90th percentile come from merged histograms."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from tongban.analytics.definitions import DEFINITIONS
from tongban.analytics.models import DailyCaseFigure, DailyRatingFigure, MonthlyFigure
from tongban.cases.bundles.figures import bundle_figures
from tongban.catalog.models import LifeEvent
from tongban.floorplans.figures import floorplan_figures

CASE_SUMS = (
    "submitted",
    "materials_required",
    "materials_by_applicant",
    "accepted",
    "promised_days",
    "legal_days",
    "completed",
    "on_time",
    "no_visit",
    "same_day",
    "visits",
    "used_days",
    "promised_of_completed",
    "startup",
    "startup_days",
)
RATING_SUMS: tuple[str, ...] = ("ratings", "good", "named_bad", "called_back", "valid", "fixed")
RATING_SUMS += ("handled", "handled_on_time")


@dataclass
class Filters:
    item: str = ""
    department: int | None = None
    life_event: str = ""
    audience: str = ""
    hall: int | None = None

    def single(self) -> tuple[str, str] | None:
        """(dimension, key) when at most one filter is set: ("city", "") for none."""
        chosen = [
            (name, str(value))
            for name, value in (
                ("item", self.item),
                ("department", self.department),
                ("life_event", self.life_event),
                ("audience", self.audience),
                ("hall", self.hall),
            )
            if value
        ]
        if len(chosen) > 1:
            return None
        return chosen[0] if chosen else ("city", "")

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.item:
            rows = rows.filter(item_basic_code=self.item)
        if self.department:
            rows = rows.filter(department_id=self.department)
        if self.life_event:
            event = LifeEvent.objects.filter(code=self.life_event).first()
            codes = (
                set(event.serviceitem_set.values_list("basic_code", flat=True)) if event else set()
            )
            rows = rows.filter(item_basic_code__in=codes)
        if self.audience:
            rows = rows.filter(audience=self.audience)
        if self.hall:
            rows = rows.filter(hall_id=self.hall)
        return rows


@dataclass
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def last_year(self) -> Period:
        return Period(_year_before(self.start), _year_before(self.end))


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _ratio(part: float | Decimal, whole: float | Decimal, *, scale: float = 1.0) -> float | None:
    return round(float(part) / float(whole) * scale, 2) if whole else None


def _percentile(histogram: Mapping[str, int], share: float) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    target = share * total
    running = 0
    for value in sorted(histogram, key=int):
        running += histogram[value]
        if running >= target:
            return float(value)
    return None


@dataclass
class Totals:
    cases: dict[str, float] = field(default_factory=dict)
    ratings: dict[str, float] = field(default_factory=dict)
    histogram: dict[str, int] = field(default_factory=dict)

    def values(self) -> dict[str, float | None]:
        c, r = defaultdict(float, self.cases), defaultdict(float, self.ratings)
        return {
            "visits_per_case": _ratio(c["visits"], c["completed"]),
            "materials_by_applicant": _ratio(
                c["materials_by_applicant"], c["materials_required"], scale=100
            ),
            "promised_vs_legal": (
                round((float(c["promised_days"]) / c["legal_days"] - 1) * 100, 2)
                if c["legal_days"]
                else None
            ),
            "used_vs_promised": _ratio(c["used_days"], c["promised_of_completed"], scale=100),
            "used_median": _percentile(self.histogram, 0.5),
            "used_p90": _percentile(self.histogram, 0.9),
            "on_time_rate": _ratio(c["on_time"], c["completed"], scale=100),
            "online_share": _ratio(c["submitted_online"], c["submitted"], scale=100),
            "same_day_share": _ratio(c["same_day"], c["completed"], scale=100),
            "no_visit_share": _ratio(c["no_visit"], c["completed"], scale=100),
            "startup_days": _ratio(c["startup_days"], c["startup"]),
            "good_rate": _ratio(r["good"], r["ratings"], scale=100),
            "callback_rate": _ratio(r["called_back"], r["named_bad"], scale=100),
            "rectification_rate": _ratio(r["fixed"], r["valid"], scale=100),
            "bad_on_time_rate": _ratio(r["handled_on_time"], r["handled"], scale=100),
        }


def monthly_totals(period: Period, filters: Filters) -> dict[str, Totals]:
    """The period's sums by month ("YYYY-MM"): from the monthly rows when at most one filter
    is set and the period is whole months (one query), else from the daily rows."""
    single = filters.single()
    whole = period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1
    if single is not None and whole:
        return _from_months(period, *single)
    return _from_days(period, filters)


def _from_months(period: Period, dimension: str, key: str) -> dict[str, Totals]:
    out: dict[str, Totals] = defaultdict(Totals)
    rows = MonthlyFigure.objects.filter(
        month__gte=period.start, month__lte=period.end, dimension=dimension, key=key
    ).values_list("month", "totals", "used_histogram")
    for month, sums, histogram in rows:
        target = out[f"{month:%Y-%m}"]
        target.cases.update({n: float(sums.get(n, 0)) for n in (*CASE_SUMS, "submitted_online")})
        target.ratings.update({n: float(sums.get(n, 0)) for n in RATING_SUMS})
        target.histogram.update(histogram)
    return out


def _from_days(period: Period, filters: Filters) -> dict[str, Totals]:
    """The period's sums by month from the daily rows: grouped by day in the database (no
    per-row date function: SQLite's is Python), folded into months here."""
    span = {"day__gte": period.start, "day__lte": period.end}
    cases = filters.apply(DailyCaseFigure.objects.filter(**span))
    out: dict[str, Totals] = defaultdict(Totals)

    def add(target: dict[str, float], row: dict[str, Any], names: Iterable[str]) -> None:
        for name in names:
            target[name] = target.get(name, 0.0) + float(row[name] or 0)

    for row in cases.values("day").annotate(**{n: Sum(n) for n in CASE_SUMS}):
        add(out[f"{row['day']:%Y-%m}"].cases, row, CASE_SUMS)
    online = (
        cases.filter(channel="online").values("day").annotate(submitted_online=Sum("submitted"))
    )
    for row in online:
        add(out[f"{row['day']:%Y-%m}"].cases, row, ("submitted_online",))
    for day, histogram in cases.exclude(completed=0).values_list("day", "used_histogram"):
        merged = out[f"{day:%Y-%m}"].histogram
        for value, n in histogram.items():
            merged[value] = merged.get(value, 0) + n
    ratings = filters.apply(DailyRatingFigure.objects.filter(**span))
    for row in ratings.values("day").annotate(**{n: Sum(n) for n in RATING_SUMS}):
        add(out[f"{row['day']:%Y-%m}"].ratings, row, RATING_SUMS)
    return out


def total(parts: Iterable[Totals]) -> Totals:
    whole = Totals()
    for part in parts:
        for name, value in part.cases.items():
            whole.cases[name] = whole.cases.get(name, 0.0) + value
        for name, value in part.ratings.items():
            whole.ratings[name] = whole.ratings.get(name, 0.0) + value
        for bucket, n in part.histogram.items():
            whole.histogram[bucket] = whole.histogram.get(bucket, 0) + n
    return whole


def months(period: Period) -> list[str]:
    out = []
    day = period.start.replace(day=1)
    while day <= period.end:
        out.append(f"{day:%Y-%m}")
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def scoreboard(period: Period, filters: Filters) -> dict[str, Any]:
    """Every figure for the period and filters: its value, the same period a year before,
    the monthly series (this year and last), its definition and the anchors beside it."""
    this_year = monthly_totals(period, filters)
    last_year = monthly_totals(period.last_year(), filters)
    now = total(this_year.values()).values()
    before = total(last_year.values()).values()
    labels = months(period)
    earlier = months(period.last_year())
    series = [this_year.get(m, Totals()).values() for m in labels]
    series_before = [last_year.get(m, Totals()).values() for m in earlier]
    figures = []
    for definition in DEFINITIONS:
        value = now[definition.code]
        figures.append(
            {
                "definition": definition,
                "value": value,
                "last_year": before[definition.code],
                "months": labels,
                "series": [v[definition.code] for v in series],
                "series_last_year": [v[definition.code] for v in series_before],
                "rows": list(
                    zip(
                        labels,
                        [v[definition.code] for v in series],
                        [v[definition.code] for v in series_before],
                        strict=True,
                    )
                ),
                "anchors": [
                    {"anchor": a, "beats": _beats(value, a.value, definition.better)}
                    for a in definition.anchors
                ],
            }
        )
    return {
        "figures": figures,
        "bundles": _bundles(),
        # The floor-plan maker: plans that passed the checker at their first submission.
        "floorplans": floorplan_figures(
            department_id=filters.department, start=period.start, end=period.end
        ),
    }


def _beats(value: float | None, anchor: float, better: str) -> bool | None:
    if value is None:
        return None
    return value <= anchor if better == "lower" else value >= anchor


def _bundles() -> list[dict[str, Any]]:
    """一件事: the catalogue's serial days against the bundle's, and what the cases took."""
    return [
        {
            "code": f.code,
            "name": f.name,
            "serial_days": float(f.serial_days),
            "critical_days": float(f.critical_days),
            "completed": f.completed,
            "elapsed_median": _median(f.elapsed_days),
            "visits_per_case": f.visits_per_case,
        }
        for f in bundle_figures()
    ]


def _median(values: Iterable[int]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def scoreboard_cached(period: Period, filters: Filters) -> dict[str, Any]:
    """The scoreboard as of the aggregates' last refresh: the same query between two
    refreshes (every few minutes, by the sweep) is computed once per process."""
    from tongban.analytics.models import FigureRefresh
    from tongban.core.cache import cache_key, cached

    marker = FigureRefresh.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
    key = cache_key("scoreboard", marker, period.start, period.end, sorted(vars(filters).items()))
    return cached(key, lambda: scoreboard(period, filters), ttl=300)
