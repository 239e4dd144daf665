"""Reads of the service points: the nearest places that handle an item, open now first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import QuerySet

from tongban.servicemap.models import ServicePoint

# Walking, as the 15-minute circle counts it: 75 m a minute (4.5 km/h, an unhurried adult),
# along streets 1.3 times the straight line (the usual circuity of an urban grid).
WALK_M_PER_MINUTE = 75.0
DETOUR = 1.3
EARTH_RADIUS_M = 6_371_000.0


def active_points() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(active=True).select_related("hall", "device", "locker_bank")


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lng, lat) points."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def walking_minutes(metres: float) -> float:
    return metres * DETOUR / WALK_M_PER_MINUTE


@dataclass(frozen=True)
class Nearby:
    point: ServicePoint
    metres: float
    minutes: float
    open_now: bool
    opens_next: dt.datetime | None


def nearest_points(
    origin: tuple[float, float], *, item: str, now: dt.datetime, limit: int = 5
) -> list[Nearby]:
    """The points that handle `item` (a basic code), those open now first, each group by
    walking time from `origin` (lng, lat)."""
    found = []
    for point in active_points():
        if not point.handles(item):
            continue
        metres = metres_between(origin, point.lng_lat)
        hours = point.opening_hours
        is_open = hours.open_at(now)
        found.append(
            Nearby(
                point,
                metres,
                walking_minutes(metres),
                is_open,
                None if is_open else hours.next_opening(now),
            )
        )
    found.sort(key=lambda n: (not n.open_now, n.metres))
    return found[:limit]
