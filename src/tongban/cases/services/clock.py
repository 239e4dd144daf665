"""The case clock: due dates in working days that move with suspensions and extensions.

Invariant: a due date never moves earlier. Suspension covers the working days in
(started_on, ended_on], matching the calendar's convention that the start day itself counts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.models import Case, Extension, Suspension, Warning
from tongban.core.calendar import CalendarDataMissing, WorkingCalendar, db_calendar

YELLOW_WITHIN_WORKING_DAYS = 2


def today() -> dt.date:
    return timezone.localdate()


def clock_start(case: Case, *, on: dt.date, calendar: WorkingCalendar | None = None) -> None:
    cal = calendar or db_calendar()
    case.accepted_on = on
    case.legal_due = cal.add_working_days(on, case.item.legal_limit_days)
    # A half-day promise (0.5, 14.5) is due by the end of the next whole working day.
    case.promised_due = cal.add_working_days(on, math.ceil(case.item.promised_limit_days))
    _mark_provisional(case, cal)


def clock_suspend(case: Case, *, kind: str, reason: str, on: dt.date) -> Suspension | None:
    """Stop the clock; before acceptance there is no clock to stop."""
    if case.accepted_on is None:
        return None
    return Suspension.objects.create(case=case, kind=kind, reason=reason, started_on=on)


def clock_resume(case: Case, *, on: dt.date, calendar: WorkingCalendar | None = None) -> int:
    """Close the open suspension and push both due dates by its working days."""
    open_suspension = case.suspensions.filter(ended_on__isnull=True).first()
    if open_suspension is None:
        return 0
    cal = calendar or db_calendar()
    days = max(0, cal.working_days_between(open_suspension.started_on, on))
    open_suspension.ended_on = max(on, open_suspension.started_on)
    open_suspension.working_days = days
    open_suspension.save(update_fields=["ended_on", "working_days"])
    _push(case, days, cal)
    case.suspended_working_days += days
    return days


def clock_extend(case: Case, *, working_days: int, reason: str, approved_by: User) -> Extension:
    extension = Extension.objects.create(
        case=case, working_days=working_days, reason=reason, approved_by=approved_by
    )
    _push(case, working_days, db_calendar())
    case.extension_working_days += working_days
    return extension


def clock_remap(case: Case, cal: WorkingCalendar) -> bool:
    """Due dates counted on a provisional year, re-counted once that year is entered.

    A due date is a position: the k-th working day after the last day both calendars agree
    on (31 December before the provisional year). The entered calendar numbers the positions
    anew; a date never moves earlier, and lands on a working day. Returns whether the case
    changed."""
    first = case.dues_provisional_from
    if first is None or cal.is_provisional(first):
        return False
    if case.legal_due is not None and case.promised_due is not None:
        anchor = dt.date(first - 1, 12, 31)
        before = cal.as_provisional_from(first)

        def renumber(due: dt.date) -> dt.date:
            position = before.working_days_between(anchor, due)
            return cal.next_working_day(max(due, cal.add_working_days(anchor, position)))

        case.legal_due = renumber(case.legal_due)
        case.promised_due = renumber(case.promised_due)
    case.dues_provisional_from = None
    _mark_provisional(case, cal)
    return True


Dues = tuple[dt.date | None, dt.date | None]


def dues_of(case: Case) -> Dues:
    return (case.legal_due, case.promised_due)


def dues_changes(before: Dues, case: Case) -> dict[str, list[dt.date | None]]:
    """The audit record's old → new for both due dates."""
    return {
        "legal_due": [before[0], case.legal_due],
        "promised_due": [before[1], case.promised_due],
    }


def _push(case: Case, days: int, cal: WorkingCalendar) -> None:
    if days <= 0 or case.legal_due is None or case.promised_due is None:
        return
    clock_remap(case, cal)  # a year entered since: renumber first, then push on it
    case.legal_due = cal.add_working_days(case.legal_due, days)
    case.promised_due = cal.add_working_days(case.promised_due, days)
    _mark_provisional(case, cal)


def _mark_provisional(case: Case, cal: WorkingCalendar) -> None:
    """Remember the first provisional year the due dates were counted on, if any; a mark
    already there stays until clock_remap renumbers the dates."""
    if case.legal_due is None or case.promised_due is None:
        return
    first = cal.provisional_from(max(case.legal_due, case.promised_due))
    marks = [year for year in (case.dues_provisional_from, first) if year is not None]
    case.dues_provisional_from = min(marks, default=None)


@dataclass(frozen=True)
class ClockStatus:
    started: bool
    used: int
    left: int
    suspended: int
    extended: int
    running: bool
    warning: str
    calendar_missing_year: int | None = None
    # Due dates counted on a year whose holiday notice is not entered yet (see core.calendar).
    provisional_from: int | None = None
    # The promise as the catalogue states it (14.5), what is left of it exactly (the due date
    # rounds a half day up to the end of the day), and, once completed, whether it was kept.
    promised: float = 0.0
    left_exact: float = 0.0
    completed: bool = False
    within_promise: bool | None = None


def clock_status_safe(case: Case, *, on: dt.date) -> ClockStatus:
    """clock_status for pages: a year missing from the calendar is shown, not a crash."""
    try:
        return clock_status(case, on=on)
    except CalendarDataMissing as exc:
        return ClockStatus(True, 0, 0, 0, 0, False, Warning.NONE, exc.year)


def clock_status(
    case: Case, *, on: dt.date, calendar: WorkingCalendar | None = None
) -> ClockStatus:
    """Working days used and left against the promised limit, as the case page shows them."""
    if case.accepted_on is None or case.promised_due is None:
        return ClockStatus(False, 0, 0, 0, 0, False, Warning.NONE)
    cal = calendar or db_calendar()
    end = on
    if case.completed_at is not None:
        end = timezone.localdate(case.completed_at)
    open_suspension = case.suspensions.filter(ended_on__isnull=True).first()
    suspended_now = 0
    if open_suspension is not None:
        suspended_now = max(0, cal.working_days_between(open_suspension.started_on, end))
    elapsed = max(0, cal.working_days_between(case.accepted_on, end))
    used = max(0, elapsed - case.suspended_working_days - suspended_now)
    left = cal.working_days_between(end, case.promised_due) + suspended_now
    promised = float(case.item.promised_limit_days or 0)
    completed = case.completed_at is not None
    return ClockStatus(
        started=True,
        used=used,
        left=left,
        suspended=case.suspended_working_days + suspended_now,
        extended=case.extension_working_days,
        running=open_suspension is None and not case.is_final,
        warning=warning_for(left, running=open_suspension is None),
        provisional_from=case.dues_provisional_from,
        promised=promised,
        left_exact=left - (math.ceil(promised) - promised),
        completed=completed,
        within_promise=(end <= case.promised_due) if completed else None,
    )


def warning_for(left: int, *, running: bool) -> str:
    if left < 0:
        return Warning.RED
    if running and left <= YELLOW_WITHIN_WORKING_DAYS:
        return Warning.YELLOW
    return Warning.NONE
