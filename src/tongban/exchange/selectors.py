"""Reads of the exchange: the resource catalog, grants, a subject's own access history and
the data steward's review of access volume."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from tongban.accounts.models import Department
from tongban.exchange.models import AccessGrant, AccessLog, DataResource
from tongban.exchange.services.query import subject_digest

# A day is unusual for a department when it reads at least this many records and at least
# this many times its mean over the other days of the window.
UNUSUAL_MIN_COUNT = 20
UNUSUAL_FACTOR = 3.0


def resource_list() -> QuerySet[DataResource]:
    return (
        DataResource.objects.select_related("provider")
        .prefetch_related("fields")
        .annotate(grant_count=Count("grants", filter=Q(grants__state=AccessGrant.State.APPROVED)))
        .order_by("provider__order", "code")
    )


def resource_by_code(code: str) -> DataResource | None:
    return DataResource.objects.select_related("provider").filter(code=code).first()


def grant_list(department: Department | None = None) -> QuerySet[AccessGrant]:
    """Grants a department provides or consumes (all of them for None)."""
    grants = AccessGrant.objects.select_related(
        "resource__provider", "consumer", "requested_by", "decided_by"
    ).order_by("-requested_at", "-pk")
    if department is not None:
        grants = grants.filter(Q(consumer=department) | Q(resource__provider=department))
    return grants


def grant_get(pk: int) -> AccessGrant | None:
    return (
        AccessGrant.objects.select_related("resource__provider", "consumer").filter(pk=pk).first()
    )


def subject_keys_of(user: Any) -> list[str]:
    """The subject keys whose access history the user may see: their own ID number and the
    credit codes of the enterprises they handle."""
    keys = [user.id_number] if user.id_number else []
    keys += list(user.enterprises.values_list("uscc", flat=True))
    return keys


def access_for_subject(user: Any) -> QuerySet[AccessLog]:
    """Who read the user's (or their enterprises') data, and why: newest first."""
    digests = [subject_digest(key) for key in subject_keys_of(user)]
    return (
        AccessLog.objects.filter(subject_digest__in=digests)
        .select_related("consumer", "resource__provider")
        .order_by("-at", "-pk")
    )


@dataclass
class DepartmentVolume:
    department: str
    total: int = 0
    denied: int = 0
    unavailable: int = 0
    days: dict[dt.date, int] = field(default_factory=dict)
    unusual: list[tuple[dt.date, int, float]] = field(default_factory=list)


def access_review(
    *, days: int = 14, department: Department | None = None
) -> list[DepartmentVolume]:
    """Access volume per consuming department and day over the window, with the days whose
    volume stands out against that department's own mean of the other days."""
    since = timezone.now() - dt.timedelta(days=days)
    logs = AccessLog.objects.filter(at__gte=since)
    if department is not None:
        logs = logs.filter(Q(consumer=department) | Q(resource__provider=department))
    rows = (
        logs.annotate(day=TruncDate("at"))
        .values("consumer__short_name", "day", "result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    volumes: dict[str, DepartmentVolume] = {}
    per_day: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        name = row["consumer__short_name"] or "对接系统"
        volume = volumes.setdefault(name, DepartmentVolume(name))
        volume.total += row["n"]
        if row["result"] == AccessLog.Result.DENIED:
            volume.denied += row["n"]
        if row["result"] in (AccessLog.Result.UNAVAILABLE, AccessLog.Result.INVALID):
            volume.unavailable += row["n"]
        per_day[name][row["day"]] += row["n"]
    first = timezone.localdate() - dt.timedelta(days=days)
    window = [first + dt.timedelta(days=n) for n in range(days + 1)]
    for name, counts in per_day.items():
        volume = volumes[name]
        volume.days = {day: counts.get(day, 0) for day in window}
        for day, count in volume.days.items():
            others = [c for d, c in volume.days.items() if d != day]
            mean = statistics.fmean(others) if others else 0.0
            if count >= UNUSUAL_MIN_COUNT and count >= UNUSUAL_FACTOR * max(mean, 1.0):
                volume.unusual.append((day, count, round(mean, 1)))
    return sorted(volumes.values(), key=lambda v: -v.total)
