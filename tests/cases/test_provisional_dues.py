"""Cases accepted while next year's holiday notice is not yet entered: due dates counted on the
provisional calendar, marked as such, and re-counted (never earlier) once the year is entered."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cases.test_lifecycle import _accepted
from tests.core.test_calendar import PACKAGE
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services.clock import clock_remap
from tongban.cases.services.deadlines import case_dues_remap_sweep
from tongban.core.calendar import WorkingCalendar, YearCalendar, provisional_year
from tongban.core.models import AuditRecord, Holiday
from tongban.core.services import calendar_year_set
from tongban.notify.models import Notification

D = dt.date
HOLIDAY, WORKDAY = Holiday.Kind.HOLIDAY, Holiday.Kind.WORKDAY


def _new_year(*extra: tuple[dt.date, str, str]) -> None:
    calendar_year_set(
        year=2027,
        days=[(D(2027, 1, 1), HOLIDAY, "元旦"), *extra],
        notice="测试用安排（虚构）",
    )


def test_a_case_accepted_in_late_december_runs_on_the_provisional_year(
    submitted: Case, clerk: User, reviewer: User, zhangsan: User
) -> None:
    # Monday 2026-12-28; 20 working days legal, 5 promised; 2027-01-01 is New Year.
    case = _accepted(submitted, clerk, on=D(2026, 12, 28))
    assert case.promised_due == D(2027, 1, 5)  # 29, 30, 31, 4, 5
    assert case.legal_due == D(2027, 1, 26)
    assert case.dues_provisional_from == 2027

    client = Client()
    client.force_login(zhangsan)
    detail = client.get(f"/api/cases/{case.pk}").json()
    assert detail["clock"]["provisional_from"] == 2027
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "2027年放假安排尚未公布，办结期限暂按法定节假日计算" in page
    assert "暂定" in client.get("/my/cases/").content.decode()
    staff = Client()
    staff.force_login(reviewer)
    rows = staff.get("/api/cases/worklist").json()["items"]
    assert [r["dues_provisional_from"] for r in rows if r["id"] == case.pk] == [2027]
    assert "暂定" in staff.get("/workbench/").content.decode()


def test_entering_the_year_re_counts_the_dates_and_tells_the_applicant(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    case = _accepted(submitted, clerk, on=D(2026, 12, 28))
    assert case_dues_remap_sweep() == 0  # 2027 is not entered yet: nothing to re-count
    # The notice (fictional here) also gives Monday 2027-01-04 off.
    _new_year((D(2027, 1, 4), HOLIDAY, "元旦"))

    assert case_dues_remap_sweep() == 1
    case.refresh_from_db()
    assert (case.promised_due, case.legal_due) == (D(2027, 1, 6), D(2027, 1, 27))
    assert case.dues_provisional_from is None
    event = CaseEvent.objects.get(case=case, action="dues_remap")
    assert "承诺2027-01-06" in event.note
    assert event.data["promised_due"] == ["2027-01-05", "2027-01-06"]
    assert AuditRecord.objects.filter(action="case.dues_remap", object_id=str(case.pk)).exists()
    told = Notification.objects.filter(
        recipient=zhangsan, channel="inbox", subject="办结期限已按放假安排调整"
    )
    assert told.count() == 1
    assert "承诺2027-01-06" in told.get().body

    assert case_dues_remap_sweep() == 0  # idempotent


def test_an_adjusted_working_saturday_never_brings_a_date_forward(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    case = _accepted(submitted, clerk, on=D(2026, 12, 28))
    _new_year((D(2027, 1, 2), WORKDAY, "调休"))  # Saturday worked: position 2 is now Jan 4

    assert case_dues_remap_sweep() == 1
    case.refresh_from_db()
    assert (case.promised_due, case.legal_due) == (D(2027, 1, 5), D(2027, 1, 26))
    assert case.dues_provisional_from is None
    assert not Notification.objects.filter(subject="办结期限已按放假安排调整").exists()


def test_an_extension_after_the_year_is_entered_counts_on_the_entered_year(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    from tongban.cases.services import procedures

    case = _accepted(submitted, clerk, on=D(2026, 12, 28))
    _new_year((D(2027, 1, 4), HOLIDAY, "元旦"))
    case = procedures.case_extend(case=case, actor=reviewer, working_days=1, reason="需补充核查")
    # Re-counted first (01-06, 01-27), then one working day more.
    assert (case.promised_due, case.legal_due) == (D(2027, 1, 7), D(2027, 1, 28))
    assert Case.objects.get(pk=case.pk).dues_provisional_from is None
    record = AuditRecord.objects.filter(action="case.extend", object_id=str(case.pk)).get()
    assert record.changes["promised_due"] == ["2027-01-05", "2027-01-07"]
    assert record.changes["reason"] == [None, "需补充核查"]


def _entered(holidays: frozenset[dt.date], workdays: frozenset[dt.date]) -> WorkingCalendar:
    def load(year: int) -> YearCalendar | None:
        if year == 2027:
            return YearCalendar(2027, holidays, workdays)
        if year > 2027:
            return provisional_year(year)
        return PACKAGE._year(year)

    return WorkingCalendar(load)


DAYS_2027 = st.dates(D(2027, 1, 1), D(2027, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    holidays=st.frozensets(DAYS_2027, max_size=20),
    workdays=st.frozensets(DAYS_2027.filter(lambda d: d.weekday() >= 5), max_size=6),
    accepted=st.dates(D(2026, 10, 1), D(2027, 11, 30)),
    legal=st.integers(1, 60),
    promised=st.integers(1, 30),
)
def test_re_counting_never_moves_a_date_earlier_and_lands_on_a_working_day(
    holidays: frozenset[dt.date],
    workdays: frozenset[dt.date],
    accepted: dt.date,
    legal: int,
    promised: int,
) -> None:
    before = PACKAGE.as_provisional_from(2027)
    case = Case(
        legal_due=before.add_working_days(accepted, legal),
        promised_due=before.add_working_days(accepted, min(promised, legal)),
    )
    case.dues_provisional_from = before.provisional_from(max(case.legal_due, case.promised_due))
    if case.dues_provisional_from is None:
        return  # both dates inside 2026: nothing provisional
    old = (case.legal_due, case.promised_due)
    entered = _entered(holidays, workdays)
    assert clock_remap(case, entered)
    assert case.legal_due is not None and case.promised_due is not None
    assert case.legal_due >= old[0] and case.promised_due >= old[1]
    assert entered.is_working_day(case.legal_due) and entered.is_working_day(case.promised_due)
    # Dates that end up in 2028 are still provisional, and say so.
    expected = 2028 if max(case.legal_due, case.promised_due).year >= 2028 else None
    assert case.dues_provisional_from == expected


def test_re_counting_on_an_unchanged_year_changes_nothing() -> None:
    same = PACKAGE.as_provisional_from(2027)
    entered = _entered(frozenset(provisional_year(2027).holidays), frozenset())
    for accepted in (D(2026, 12, 1), D(2026, 12, 28), D(2027, 1, 29), D(2027, 9, 28)):
        case = Case(
            legal_due=same.add_working_days(accepted, 20),
            promised_due=same.add_working_days(accepted, 5),
            dues_provisional_from=2027,
        )
        old = (case.legal_due, case.promised_due)
        clock_remap(case, entered)
        assert (case.legal_due, case.promised_due) == old
