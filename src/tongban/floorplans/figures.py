"""The scoreboard's figure for the floor-plan maker: of the plans ever submitted with an
application, the share whose first submission passed the checker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tongban.floorplans.models import PlanSubmission


def floorplan_figures(
    department_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Plans first submitted from `start` to `end` (inclusive, the city's days), to
    applications of `department_id` if given."""
    submissions = PlanSubmission.objects.all()
    if department_id is not None:
        submissions = submissions.filter(case__department_id=department_id)
    first = PlanSubmission.objects.filter(plan=OuterRef("plan")).order_by("at", "pk")
    firsts = (
        submissions.order_by()
        .values("plan")
        .distinct()
        .annotate(
            first_passed=Subquery(first.values("passed")[:1]),
            first_at=Subquery(first.values("at")[:1]),
        )
    )
    zone = timezone.get_current_timezone()
    if start is not None:
        firsts = firsts.filter(first_at__gte=dt.datetime.combine(start, dt.time(), zone))
    if end is not None:
        next_day = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)
        firsts = firsts.filter(first_at__lt=next_day)
    rows = list(firsts)
    plans = len(rows)
    passed = sum(1 for row in rows if row["first_passed"])
    return {
        "plans": plans,
        "first_passed": passed,
        "first_pass_rate": round(passed / plans, 4) if plans else None,
    }
