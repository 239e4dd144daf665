"""The periodic deadline sweep: yellow (≤ 2 working days left) and red (overdue) warnings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.cases.models import Case, CaseState, Warning
from tongban.cases.services.clock import clock_status, today
from tongban.cases.services.notices import case_notify_deadline
from tongban.core.audit import audit_log
from tongban.core.calendar import CalendarDataMissing, db_calendar

RUNNING_STATES = [
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.CORRECTION,
    CaseState.SUSPENDED,
]


def case_warnings_sweep(*, on: dt.date | None = None) -> dict[str, int]:
    """Recompute every running case's warning; notify on each change. Idempotent."""
    day = on or today()
    calendar = db_calendar()
    changed = {Warning.YELLOW: 0, Warning.RED: 0, Warning.NONE: 0}
    missing = 0
    running = Case.objects.filter(state__in=RUNNING_STATES, accepted_on__isnull=False)
    for case in running.select_related("item").iterator(chunk_size=500):
        try:
            warning = clock_status(case, on=day, calendar=calendar).warning
        except CalendarDataMissing:
            missing += 1  # reported below; the year must be entered
            continue
        if warning == case.warning:
            continue
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, warning=case.warning).update(warning=warning)
            if not updated:
                continue  # changed meanwhile; the next sweep looks again
            audit_log(action="case.warning", obj=case, changes={"warning": [case.warning, warning]})
            if warning:
                case_notify_deadline(case, warning)
        changed[Warning(warning)] += 1
    result = {str(k.value or "none"): v for k, v in changed.items()}
    if missing:
        result["calendar_missing"] = missing
    return result
