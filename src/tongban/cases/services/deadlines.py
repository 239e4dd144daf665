"""The periodic deadline sweeps: due dates re-counted once a provisional year is entered, and
yellow (≤ 2 working days left) and red (overdue) warnings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.cases.models import FINAL_STATES, Case, CaseState, Warning
from tongban.cases.services.clock import clock_remap, clock_status, dues_changes, dues_of, today
from tongban.cases.services.events import case_event
from tongban.cases.services.notices import case_notify_applicant, case_notify_deadline
from tongban.core.audit import audit_log
from tongban.core.calendar import CalendarDataMissing, db_calendar

RUNNING_STATES = [
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.CORRECTION,
    CaseState.SUSPENDED,
]


def case_dues_remap_sweep() -> int:
    """Re-count the due dates of every open case counted on a year that is now entered.

    Each case in its own transaction, under its row lock; idempotent (a re-counted case has no
    provisional mark left for the entered year)."""
    calendar = db_calendar()
    marked = Case.objects.filter(dues_provisional_from__isnull=False).exclude(
        state__in=FINAL_STATES
    )
    years = {y for y in marked.values_list("dues_provisional_from", flat=True) if y is not None}
    entered = [year for year in sorted(years) if not calendar.is_provisional(year)]
    remapped = 0
    pks = list(marked.filter(dues_provisional_from__in=entered).values_list("pk", flat=True))
    for pk in pks:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("item").get(pk=pk)
            old = dues_of(case)
            if not clock_remap(case, calendar):
                continue
            case.save(update_fields=["legal_due", "promised_due", "dues_provisional_from"])
            note = f"已按录入的放假安排重算办结期限：法定{case.legal_due}，承诺{case.promised_due}"
            case_event(
                case,
                actor=None,
                action="dues_remap",
                from_state=case.state,
                note=note,
                data={k: [str(v) for v in pair] for k, pair in dues_changes(old, case).items()},
            )
            if case.promised_due != old[1]:
                case_notify_applicant(case, "dues_remap", note)
            audit_log(action="case.dues_remap", obj=case, changes=dues_changes(old, case))
        remapped += 1
    return remapped


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
