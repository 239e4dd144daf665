"""Building the scoreboard's daily aggregates from the cases and ratings. A day's rows are
recomputed whole (delete and insert in one transaction), so a refresh is idempotent; the
sweep recomputes only the days something happened to since the last refresh."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from tongban.analytics.models import (
    DailyCaseFigure,
    DailyRatingFigure,
    FigureRefresh,
    MonthlyFigure,
)
from tongban.cases.figures import BY_APPLICANT, RESOLVED
from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseState, Visit
from tongban.catalog.models import LifeEvent
from tongban.core import clock
from tongban.core.calendar import WorkingCalendar, db_calendar
from tongban.hall.models import TicketCase
from tongban.ratings.figures import Figure, count_rating
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal, RatingPart

STARTUP_EVENT = "start-business"
CaseKey = tuple[str, int, str, str, int]
RatingKey = tuple[str, int, str, str, int]


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
    return start, start + dt.timedelta(days=1)


def _startup_codes() -> set[str]:
    event = LifeEvent.objects.filter(code=STARTUP_EVENT).first()
    if event is None:
        return set()
    return set(
        event.serviceitem_set.filter(audience="enterprise").values_list("basic_code", flat=True)
    )


CASE_FIELDS = ("pk", "item__basic_code", "department_id", "item__audience", "channel")


def _halls(case_ids: Iterable[int]) -> dict[int, int]:
    links = TicketCase.objects.filter(case_id__in=list(case_ids)).values_list(
        "case_id", "ticket__hall_id"
    )
    return dict(links)


def _key(row: dict[str, Any], halls: dict[int, int]) -> CaseKey:
    return (
        row["item__basic_code"],
        row["department_id"],
        row["item__audience"],
        row["channel"],
        halls.get(row["pk"], 0),
    )


def case_rows(day: dt.date, calendar: WorkingCalendar, startup: set[str]) -> list[DailyCaseFigure]:
    """The day's case counters by slice."""
    start, end = _bounds(day)
    slices: dict[CaseKey, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    histograms: dict[CaseKey, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    audiences: dict[CaseKey, str] = {}

    submitted = list(
        Case.objects.filter(submitted_at__gte=start, submitted_at__lt=end).values(*CASE_FIELDS)
    )
    accepted = list(
        Case.objects.filter(accepted_on=day).values(
            *CASE_FIELDS, "item__promised_limit_days", "item__legal_limit_days"
        )
    )
    completed = list(
        Case.objects.filter(
            state=CaseState.COMPLETED, completed_at__gte=start, completed_at__lt=end
        ).values(
            *CASE_FIELDS,
            "decision",
            "decided_at",
            "accepted_on",
            "promised_due",
            "submitted_at",
            "suspended_working_days",
            "item__promised_limit_days",
        )
    )
    halls = _halls({r["pk"] for r in submitted + accepted + completed})
    materials: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        CaseMaterial.objects.filter(case_id__in=[r["pk"] for r in submitted])
        .values("case_id", "status")
        .annotate(n=Count("pk"))
    ):
        materials[row["case_id"]][row["status"]] += row["n"]
    for row in submitted:
        key = _key(row, halls)
        audiences[key] = row["item__audience"]
        counters = slices[key]
        counters["submitted"] += 1
        for status, n in materials[row["pk"]].items():
            if status in RESOLVED or status in BY_APPLICANT:
                counters["materials_required"] += n
            if status in BY_APPLICANT:
                counters["materials_by_applicant"] += n
    for row in accepted:
        key = _key(row, halls)
        counters = slices[key]
        counters["accepted"] += 1
        counters["promised_days"] += Decimal(row["item__promised_limit_days"] or 0)
        counters["legal_days"] += row["item__legal_limit_days"] or 0
    visits = dict(
        Visit.objects.filter(case_id__in=[r["pk"] for r in completed])
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    for row in completed:
        key = _key(row, halls)
        counters = slices[key]
        counters["completed"] += 1
        counters["granted"] += row["decision"] == "grant"
        seen = visits.get(row["pk"], 0)
        counters["visits"] += seen
        counters["no_visit"] += seen == 0
        # 办结 as the promise counts it: the decision made (the result's delivery after it,
        # by mail or locker, is the person's choice and not within the promise).
        decided = timezone.localdate(row["decided_at"]) if row["decided_at"] else day
        counters["on_time"] += bool(row["promised_due"] and decided <= row["promised_due"])
        counters["same_day"] += row["accepted_on"] == decided
        used = 0
        if row["accepted_on"] is not None:
            elapsed = calendar.working_days_between(row["accepted_on"], decided)
            used = max(0, elapsed - (row["suspended_working_days"] or 0))
        counters["used_days"] += used
        counters["promised_of_completed"] += Decimal(row["item__promised_limit_days"] or 0)
        histograms[key][str(used)] += 1
        if row["item__basic_code"] in startup and row["submitted_at"] is not None:
            counters["startup"] += 1
            submitted_on = timezone.localdate(row["submitted_at"])
            counters["startup_days"] += max(0, calendar.working_days_between(submitted_on, day))
    out = []
    for key, counters in slices.items():
        code, department, audience, channel, hall = key
        out.append(
            DailyCaseFigure(
                day=day,
                item_basic_code=code,
                department_id=department,
                audience=audience,
                channel=channel,
                hall_id=hall,
                used_histogram=dict(histograms.get(key, {})),
                **counters,
            )
        )
    return out


RATING_COUNTERS = (
    "good",
    "level_sum",
    "bad",
    "named_bad",
    "called_back",
    "called_back_on_time",
    "valid",
    "fixed",
    "handled",
    "handled_on_time",
)


def rating_rows(day: dt.date) -> list[DailyRatingFigure]:
    """The day's ratings by slice (a rating judging several departments counts in each)."""
    start, end = _bounds(day)
    ratings = list(
        Rating.objects.filter(rated_at__gte=start, rated_at__lt=end).select_related("task")
    )
    parts: dict[int, list[RatingPart]] = defaultdict(list)
    for part in RatingPart.objects.filter(rating__in=ratings).select_related("item"):
        parts[part.rating_id].append(part)
    figures: dict[RatingKey, Figure] = {}
    audiences: dict[RatingKey, str] = {}
    for rating in ratings:
        keys = {
            (
                p.item_basic_code,
                p.department_id,
                p.item.audience if p.item else "",
                rating.kind,
                rating.hall_id or 0,
            )
            for p in parts[rating.pk]
        } or {("", 0, "", rating.kind, rating.hall_id or 0)}
        for key in keys:
            figure = figures.setdefault(key, Figure(key="", label=""))
            audiences[key] = key[2]
            count_rating(figure, rating)
    return [
        DailyRatingFigure(
            day=day,
            item_basic_code=key[0],
            department_id=key[1],
            audience=key[2],
            kind=key[3],
            hall_id=key[4],
            ratings=f.count,
            **{name: getattr(f, name) for name in RATING_COUNTERS},
        )
        for key, f in figures.items()
    ]


def figures_rebuild(days: Iterable[dt.date]) -> int:
    """Recompute the rows of these days, then the months they fall in; how many daily rows
    were written."""
    calendar = db_calendar()
    startup = _startup_codes()
    written = 0
    for day in sorted(set(days)):
        cases = case_rows(day, calendar, startup)
        ratings = rating_rows(day)
        with transaction.atomic():
            DailyCaseFigure.objects.filter(day=day).delete()
            DailyRatingFigure.objects.filter(day=day).delete()
            DailyCaseFigure.objects.bulk_create(cases)
            DailyRatingFigure.objects.bulk_create(ratings)
        written += len(cases) + len(ratings)
    for month in sorted({day.replace(day=1) for day in days}):
        months_rebuild(month)
    return written


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def months_rebuild(month: dt.date) -> int:
    """The month's sums for the city and for each value of each single filter (SQL GROUP BY
    over the month's daily rows; histograms merged here), replacing the month's rows."""
    from tongban.analytics.scoreboard import CASE_SUMS, RATING_SUMS

    span = {"day__gte": month, "day__lte": _month_end(month)}
    cases = DailyCaseFigure.objects.filter(**span)
    ratings = DailyRatingFigure.objects.filter(**span)
    totals: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    histograms: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    events = _event_items()
    dimensions = {
        "city": None,
        "item": "item_basic_code",
        "department": "department_id",
        "audience": "audience",
        "hall": "hall_id",
    }
    case_sums = {n: Sum(n) for n in CASE_SUMS}
    rating_sums = {n: Sum(n) for n in RATING_SUMS}
    for dimension, column in dimensions.items():
        for key, values in _grouped(cases, column, case_sums):
            totals[(dimension, key)].update(values)
        online = cases.filter(channel="online")
        for key, values in _grouped(online, column, {"submitted_online": Sum("submitted")}):
            totals[(dimension, key)].update(values)
        for key, values in _grouped(ratings, column, rating_sums):
            totals[(dimension, key)].update(values)
    for code, histogram in cases.exclude(completed=0).values_list(
        "item_basic_code", "used_histogram"
    ):
        for value, n in histogram.items():
            histograms[("city", "")][value] += n
            histograms[("item", code)][value] += n
            for event in events.get(code, []):
                histograms[("life_event", event)][value] += n
    # Life events: the sums of their items' rows (an item may belong to several).
    for (dimension, code), values in list(totals.items()):
        if dimension != "item":
            continue
        for event in events.get(code, []):
            target = totals[("life_event", event)]
            for name, value in values.items():
                target[name] += value
    _dimension_histograms(cases, histograms)
    rows = [
        MonthlyFigure(
            month=month,
            dimension=dimension,
            key=key,
            totals=dict(values),
            used_histogram=dict(histograms.get((dimension, key), {})),
        )
        for (dimension, key), values in totals.items()
    ]
    with transaction.atomic():
        MonthlyFigure.objects.filter(month=month).delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _grouped(
    rows: Any, column: str | None, sums: dict[str, Any]
) -> list[tuple[str, dict[str, float]]]:
    """(key, sums) per value of `column`, or one ("", sums) for the whole."""
    if column is None:
        whole = rows.aggregate(**sums)
        return [("", {n: float(v or 0) for n, v in whole.items()})]
    return [
        (str(row[column]), {n: float(row[n] or 0) for n in sums})
        for row in rows.values(column).annotate(**sums)
    ]


def _dimension_histograms(cases: Any, histograms: dict[tuple[str, str], dict[str, int]]) -> None:
    for department, audience, hall, histogram in cases.exclude(completed=0).values_list(
        "department_id", "audience", "hall_id", "used_histogram"
    ):
        for value, n in histogram.items():
            histograms[("department", str(department))][value] += n
            histograms[("audience", audience)][value] += n
            histograms[("hall", str(hall))][value] += n


def _event_items() -> dict[str, list[str]]:
    """Item basic code → the life events it belongs to."""
    out: dict[str, list[str]] = defaultdict(list)
    for event in LifeEvent.objects.prefetch_related("serviceitem_set"):
        for code in {i.basic_code for i in event.serviceitem_set.all()}:
            out[code].append(event.code)
    return out


def _days_of(moments: Iterable[dt.datetime | dt.date | None]) -> set[dt.date]:
    days = set()
    for moment in moments:
        if isinstance(moment, dt.datetime):
            days.add(timezone.localdate(moment))
        elif isinstance(moment, dt.date):
            days.add(moment)
    return days


def dirty_days(since: dt.datetime | None) -> set[dt.date]:
    """The days whose rows anything changed since `since` (every day with data if None)."""
    if since is None:
        first = Case.objects.exclude(submitted_at=None).order_by("submitted_at").first()
        if first is None or first.submitted_at is None:
            return set()
        start = timezone.localdate(first.submitted_at)
        today = clock.localdate()
        return {start + dt.timedelta(days=n) for n in range((today - start).days + 1)}
    touched = CaseEvent.objects.filter(at__gte=since).values_list("case_id", flat=True)
    days = set()
    for submitted, accepted, completed in Case.objects.filter(pk__in=touched).values_list(
        "submitted_at", "accepted_on", "completed_at"
    ):
        days |= _days_of([submitted, accepted, completed])
    handled = BadRatingTask.objects.filter(
        Q(callback_at__gte=since)
        | Q(verified_at__gte=since)
        | Q(fixed_at__gte=since)
        | Q(closed_at__gte=since)
    ).values_list("rating__rated_at", flat=True)
    appealed = RatingAppeal.objects.filter(decided_at__gte=since).values_list(
        "rating__rated_at", flat=True
    )
    rated = Rating.objects.filter(rated_at__gte=since).values_list("rated_at", flat=True)
    days |= _days_of([*handled, *appealed, *rated])
    days.add(clock.localdate())
    return days


def figures_refresh() -> dict[str, int]:
    """Sweep: bring the aggregates up to date with what happened since the last refresh."""
    marker, _ = FigureRefresh.objects.get_or_create(pk=1)
    started = clock.now()
    # A little overlap: a step committed just before the last refresh's start is not lost.
    since = marker.refreshed_at - dt.timedelta(minutes=5) if marker.refreshed_at else None
    days = dirty_days(since)
    rows = figures_rebuild(days)
    FigureRefresh.objects.filter(pk=1).update(refreshed_at=started)
    return {"days": len(days), "rows": rows}
