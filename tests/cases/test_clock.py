"""Deadlines that hold: holidays, adjusted workdays, suspensions and extensions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.test_lifecycle import _accepted
from tests.core.test_calendar import PACKAGE
from tongban.accounts.models import User
from tongban.cases.models import Case, Warning
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.clock import clock_status
from tongban.catalog.models import ServiceItem
from tongban.core.calendar import db_calendar

D = dt.date


def test_accepted_before_the_spring_festival_the_promise_skips_the_holiday(
    submitted: Case, clerk: User
) -> None:
    # Friday 2026-02-13; Saturday 02-14 is worked; 02-15..23 are off.
    case = _accepted(submitted, clerk, on=D(2026, 2, 13))
    assert case.promised_due == D(2026, 2, 27)  # 14, 24, 25, 26, 27
    assert case.legal_due == D(2026, 3, 19)


def test_a_hearing_over_national_day_moves_both_due_dates(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk, on=D(2026, 9, 24)), actor=reviewer)
    before = (case.legal_due, case.promised_due)
    case = lc.case_suspend(
        case=case, actor=reviewer, kind="hearing", reason="举行听证", on=D(2026, 9, 29)
    )
    case = lc.case_resume(case=case, actor=reviewer, on=D(2026, 10, 9))
    # Working days in (09-29, 10-09]: 09-30, 10-08, 10-09 — the holiday week does not count.
    assert case.suspended_working_days == 3
    cal = db_calendar()
    assert case.legal_due == cal.add_working_days(before[0], 3)
    assert case.promised_due == cal.add_working_days(before[1], 3)
    suspension = case.suspensions.get()
    assert (suspension.kind, suspension.working_days) == ("hearing", 3)


def test_correction_during_review_stops_the_clock_until_resubmission(
    submitted: Case, clerk: User, reviewer: User, zhangsan: User, item: ServiceItem
) -> None:
    from tests.cases.conftest import material_id, pdf

    case = lc.case_start_review(case=_accepted(submitted, clerk, on=D(2026, 3, 2)), actor=reviewer)
    promised = case.promised_due
    lease = material_id(item, "房屋租赁合同")
    case = lc.case_request_correction(
        case=case, actor=reviewer, problems={lease: "合同已过期"}, on=D(2026, 3, 3)
    )
    case = lc.case_resubmit(case=case, actor=zhangsan, files={lease: pdf()}, on=D(2026, 3, 6))
    assert case.state == "in_review"
    assert case.suspended_working_days == 3  # 4, 5, 6 March
    assert case.promised_due == db_calendar().add_working_days(promised, 3)


def test_an_extension_needs_a_reason_and_a_sensible_length(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    from django.core.exceptions import ValidationError

    case = _accepted(submitted, clerk, on=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        lc.case_extend(case=case, actor=reviewer, working_days=10, reason="")
    with pytest.raises(ValidationError):
        lc.case_extend(case=case, actor=reviewer, working_days=99, reason="太久")
    legal = case.legal_due
    case = lc.case_extend(case=case, actor=reviewer, working_days=10, reason="需征求其他部门意见")
    assert case.legal_due == db_calendar().add_working_days(legal, 10)
    extension = case.extensions.get()
    assert extension.approved_by == reviewer


def test_the_clock_shows_used_left_and_suspended_days(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk, on=D(2026, 3, 2)), actor=reviewer)
    status = clock_status(case, on=D(2026, 3, 5))
    assert (status.used, status.left, status.suspended) == (3, 2, 0)
    assert status.warning == Warning.YELLOW
    case = lc.case_suspend(
        case=case, actor=reviewer, kind="expert_review", reason="专家评审", on=D(2026, 3, 5)
    )
    paused = clock_status(case, on=D(2026, 3, 11))
    assert (paused.used, paused.suspended, paused.running) == (3, 4, False)
    assert paused.warning == Warning.NONE
    assert paused.left == 2  # the days left do not shrink while the clock is stopped
    case = lc.case_resume(case=case, actor=reviewer, on=D(2026, 3, 11))
    overdue = clock_status(case, on=D(2026, 3, 20))
    assert overdue.left < 0 and overdue.warning == Warning.RED


days_2026 = st.dates(min_value=D(2026, 1, 5), max_value=D(2026, 7, 31))
_keys = iter(range(10**6))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accept=days_2026, start_gap=st.integers(0, 20), length=st.integers(0, 30))
def test_a_suspension_never_moves_a_due_date_earlier(
    item: ServiceItem,
    zhangsan: User,
    clerk: User,
    reviewer: User,
    accept: dt.date,
    start_gap: int,
    length: int,
) -> None:
    from tests.cases.conftest import material_id, pdf
    from tongban.cases.services.submission import case_save_draft, case_submit

    case = case_save_draft(
        actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key=f"p{next(_keys)}"
    )
    case = case_submit(
        case=case,
        actor=zhangsan,
        situations={"premises": "own"},
        files={material_id(item, "申请书"): pdf()},
    )
    case = lc.case_start_review(case=_accepted(case, clerk, on=accept), actor=reviewer)
    before = (case.legal_due, case.promised_due)
    start = accept + dt.timedelta(days=start_gap)
    case = lc.case_suspend(case=case, actor=reviewer, kind="public_notice", reason="公示", on=start)
    case = lc.case_resume(case=case, actor=reviewer, on=start + dt.timedelta(days=length))
    assert case.legal_due >= before[0] and case.promised_due >= before[1]
    suspended = case.suspensions.get().working_days
    assert suspended == db_calendar().working_days_between(start, start + dt.timedelta(days=length))
    assert db_calendar().working_days_between(before[1], case.promised_due) == suspended


def test_a_case_page_survives_a_year_missing_from_the_calendar(
    submitted: Case, clerk: User, zhangsan: User, client: object
) -> None:
    """Only a year before the first on file is missing (a later one is provisional); a case
    whose clock reaches into it still shows, and the sweep reports it instead of failing."""
    from tongban.cases.services.clock import clock_status_safe
    from tongban.cases.services.deadlines import case_warnings_sweep

    case = _accepted(submitted, clerk, on=D(2026, 3, 2))
    Case.objects.filter(pk=case.pk).update(accepted_on=D(2003, 12, 1))
    case.refresh_from_db()
    status = clock_status_safe(case, on=D(2026, 3, 3))
    assert status.calendar_missing_year == 2003
    assert case_warnings_sweep(on=D(2026, 3, 3))["calendar_missing"] == 1
    client.force_login(zhangsan)  # type: ignore[attr-defined]
    page = client.get(f"/my/cases/{case.pk}/")  # type: ignore[attr-defined]
    assert "2003年的节假日安排尚未录入" in page.content.decode()


def test_terminating_a_suspended_case_closes_its_suspension(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk, on=D(2026, 3, 2)), actor=reviewer)
    case = lc.case_suspend(
        case=case, actor=reviewer, kind="hearing", reason="听证", on=D(2026, 3, 3)
    )
    case = lc.case_terminate(case=case, actor=reviewer, reason="申请人放弃")
    assert case.state == "terminated" and not case.suspensions.filter(ended_on__isnull=True)


@settings(max_examples=40)
@given(accept=days_2026, halves=st.integers(0, 60))
def test_a_half_day_promise_is_due_by_the_end_of_the_next_whole_working_day(
    accept: dt.date, halves: int
) -> None:
    """半日办结: 0.5 → the next working day; 14.5 → 15; whole days unchanged; never earlier
    than the whole days below it, never later than the whole days above it."""
    import math
    from decimal import Decimal
    from types import SimpleNamespace

    from tongban.cases.services.clock import clock_start

    calendar = PACKAGE
    limit = Decimal(halves) / 2
    case = SimpleNamespace(
        item=SimpleNamespace(legal_limit_days=60, promised_limit_days=limit),
        dues_provisional_from=None,
    )
    clock_start(case, on=accept, calendar=calendar)  # type: ignore[arg-type]
    assert case.promised_due == calendar.add_working_days(accept, math.ceil(limit))
    assert calendar.add_working_days(accept, int(limit)) <= case.promised_due
