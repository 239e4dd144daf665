"""The scoreboard's figure for the floor-plan maker: of the plans ever submitted with an
application, the share whose first submission passed the checker."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery

from tongban.floorplans.models import PlanSubmission


def floorplan_figures(department_id: int | None = None) -> dict[str, Any]:
    submissions = PlanSubmission.objects.all()
    if department_id is not None:
        submissions = submissions.filter(case__department_id=department_id)
    first = submissions.filter(plan=OuterRef("plan")).order_by("at", "pk")
    firsts = (
        submissions.order_by()
        .values("plan")
        .distinct()
        .annotate(first_passed=Subquery(first.values("passed")[:1]))
    )
    plans = firsts.count()
    passed = sum(1 for row in firsts if row["first_passed"])
    return {
        "plans": plans,
        "first_passed": passed,
        "first_pass_rate": round(passed / plans, 4) if plans else None,
    }
