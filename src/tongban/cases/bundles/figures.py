"""The platform's own figures for 一件事 (F9, F16): for each bundle, the catalogue's promise
(serial sum of the items' promised limits against the critical path, for the default
situations) next to what its real cases show — the promise recorded on each case for the
applicant's own situations, the working days from submission to completion (median and p90)
and the visits per bundle case, counted from the children's visit records."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from tongban.cases.bundles.models import BundleCase, BundleCaseState
from tongban.catalog.models import Bundle
from tongban.catalog.services.bundles import bundle_guide
from tongban.core.calendar import CalendarDataMissing, db_calendar


@dataclass
class BundleFigure:
    code: str
    name: str
    serial_days: Decimal  # the catalogue's, default situations
    critical_days: Decimal
    visits_before: int
    visits_after: int
    submitted: int = 0
    completed: int = 0
    promised_days: list[Decimal] = field(default_factory=list)  # per case, its situations
    elapsed_days: list[int] = field(default_factory=list)  # per completed case
    visits: int = 0

    @property
    def elapsed_median(self) -> float | None:
        return statistics.median(self.elapsed_days) if self.elapsed_days else None

    @property
    def elapsed_p90(self) -> int | None:
        if not self.elapsed_days:
            return None
        ordered = sorted(self.elapsed_days)
        return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]

    @property
    def visits_per_case(self) -> float | None:
        return self.visits / self.submitted if self.submitted else None

    @property
    def promised_median(self) -> float | None:
        return float(statistics.median(self.promised_days)) if self.promised_days else None


def bundle_figures() -> list[BundleFigure]:
    calendar = db_calendar()
    figures: dict[int, BundleFigure] = {}
    for bundle in Bundle.objects.filter(active=True).order_by("code"):
        guide = bundle_guide(bundle, {})
        figures[bundle.pk] = BundleFigure(
            code=bundle.code,
            name=bundle.name,
            serial_days=guide.plan.serial_days,
            critical_days=guide.plan.critical_days,
            visits_before=guide.visits_before,
            visits_after=guide.visits_after,
        )
    cases = (
        BundleCase.objects.filter(bundle_id__in=figures, submitted_at__isnull=False)
        .annotate(visits=Count("children__visits"))
        .values_list(
            "bundle_id", "state", "submitted_at", "completed_at", "critical_days", "visits"
        )
    )
    for bundle_id, state, submitted, completed, critical, visits in cases:
        figure = figures[bundle_id]
        figure.submitted += 1
        figure.visits += visits
        figure.promised_days.append(critical)
        if state == BundleCaseState.COMPLETED and completed is not None:
            figure.completed += 1
            try:
                figure.elapsed_days.append(
                    calendar.working_days_between(
                        timezone.localdate(submitted), timezone.localdate(completed)
                    )
                )
            except CalendarDataMissing:
                continue  # a year not on file: counted as completed, not timed
    return list(figures.values())
