"""The figures of inspections and commitments, computed from the rows (never entered): the
share of cases on commitment, post-checks done on time, mismatches found, licences revoked;
and licensing inspections done on time. Optionally for one department."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tongban.cases.models import Case
from tongban.core import clock
from tongban.field.models import Commitment, Inspection


@dataclass(frozen=True)
class FieldFigures:
    eligible_cases: int  # accepted cases of items that offer a commitment
    on_commitment: int
    commitment_share: float | None
    post_checks_due: int  # first rounds concluded, or open past their deadline
    post_checks_on_time: int
    post_check_on_time_rate: float | None
    mismatches: int  # first rounds that found the promise did not hold
    revoked: int
    inspections_due: int  # licensing inspections, first rounds, as above
    inspections_on_time: int
    inspection_on_time_rate: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _timeliness(rounds: QuerySet[Inspection], today: dt.date) -> tuple[int, int]:
    due = on_time = 0
    for state, concluded_at, deadline in rounds.values_list("state", "concluded_at", "due"):
        if state == Inspection.State.CANCELLED:
            continue
        if concluded_at is None:
            if deadline < today:
                due += 1  # open past its deadline: late already
            continue
        due += 1
        if timezone.localdate(concluded_at) <= deadline:
            on_time += 1
    return due, on_time


def field_figures(*, department_id: int | None = None) -> FieldFigures:
    today = clock.localdate()
    cases = Case.objects.filter(accepted_at__isnull=False).exclude(item__commitment={})
    commitments = Commitment.objects.all()
    first = Inspection.objects.filter(round=1)
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
        commitments = commitments.filter(case__department_id=department_id)
        first = first.filter(department_id=department_id)
    eligible = cases.count()
    on_commitment = commitments.count()
    post = first.filter(purpose=Inspection.Purpose.POST_CHECK)
    post_due, post_on_time = _timeliness(post, today)
    licensing_due, licensing_on_time = _timeliness(
        first.filter(purpose=Inspection.Purpose.LICENSING), today
    )
    return FieldFigures(
        eligible_cases=eligible,
        on_commitment=on_commitment,
        commitment_share=_rate(on_commitment, eligible),
        post_checks_due=post_due,
        post_checks_on_time=post_on_time,
        post_check_on_time_rate=_rate(post_on_time, post_due),
        mismatches=post.filter(
            state__in=[Inspection.State.RECTIFY, Inspection.State.FAILED]
        ).count(),
        revoked=commitments.filter(state=Commitment.State.REVOKED).count(),
        inspections_due=licensing_due,
        inspections_on_time=licensing_on_time,
        inspection_on_time_rate=_rate(licensing_on_time, licensing_due),
    )
