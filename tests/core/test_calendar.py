"""Working days on the official calendar: known holidays, 调休, properties, missing years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core import calendar
from tongban.core.calendar import CalendarDataMissing, WorkingCalendar, YearCalendar
from tongban.core.models import CalendarYear, Holiday
from tongban.core.services import calendar_year_set, package_calendar_days

D = dt.date


def _package_calendar() -> WorkingCalendar:
    by_year = package_calendar_days()

    def load(year: int) -> YearCalendar | None:
        if year not in by_year:
            return None
        days = by_year[year]
        return YearCalendar(
            year,
            frozenset(d for d, kind, _ in days if kind == Holiday.Kind.HOLIDAY),
            frozenset(d for d, kind, _ in days if kind == Holiday.Kind.WORKDAY),
        )

    return WorkingCalendar(load)


PACKAGE = _package_calendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Spring Festival 2026: Feb 15–23 off; Saturday Feb 14 and Feb 28 are working days.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 12), 5, D(2026, 2, 26)),
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        # National Day 2026: Oct 1–7 off; Saturday Oct 10 is a working day.
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 9, 19), 1, D(2026, 9, 20)),
        # National Day + Mid-Autumn 2025: Oct 1–8 off; Sunday Sep 28, Saturday Oct 11 worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        # New Year 2026: Jan 1–3 off, Sunday Jan 4 worked.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        # An ordinary week: Friday + 1 = Monday.
        (D(2026, 3, 6), 1, D(2026, 3, 9)),
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
        (D(2026, 3, 9), -1, D(2026, 3, 6)),
    ],
)
def test_it_adds_working_days_across_holidays_and_adjusted_workdays(
    start: dt.date, days: int, expected: dt.date
) -> None:
    assert PACKAGE.add_working_days(start, days) == expected


def test_it_counts_working_days_between_dates_across_the_spring_festival() -> None:
    # Feb 14 (adjusted workday) and Feb 24: the seven-day holiday in between does not count.
    assert PACKAGE.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert PACKAGE.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2
    assert PACKAGE.working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0


def test_it_knows_adjusted_weekend_workdays_and_weekday_holidays() -> None:
    assert PACKAGE.is_working_day(D(2026, 2, 14))  # Saturday, worked
    assert not PACKAGE.is_working_day(D(2026, 2, 16))  # Monday, Spring Festival
    assert not PACKAGE.is_working_day(D(2026, 3, 7))  # ordinary Saturday


dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 6, 30))


@given(start=dates, days=st.integers(min_value=0, max_value=80))
def test_adding_then_counting_gives_back_the_same_number(start: dt.date, days: int) -> None:
    end = PACKAGE.add_working_days(start, days)
    assert PACKAGE.working_days_between(start, end) == days
    if days:
        assert PACKAGE.is_working_day(end)
        assert end > start


@given(start=dates, days=st.integers(min_value=0, max_value=60))
def test_one_more_working_day_is_always_later(start: dt.date, days: int) -> None:
    assert PACKAGE.add_working_days(start, days + 1) > PACKAGE.add_working_days(start, days)


@given(a=dates, b=dates)
def test_counting_is_antisymmetric_and_never_exceeds_calendar_days(a: dt.date, b: dt.date) -> None:
    forward = PACKAGE.working_days_between(a, b)
    assert forward == -PACKAGE.working_days_between(b, a)
    assert abs(forward) <= abs((b - a).days)


@given(
    holidays=st.sets(st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 12, 31)), max_size=40),
    start=st.dates(min_value=D(2030, 1, 1), max_value=D(2030, 6, 30)),
    days=st.integers(min_value=1, max_value=40),
)
def test_any_holiday_set_keeps_add_and_count_inverse(
    holidays: set[dt.date], start: dt.date, days: int
) -> None:
    cal = WorkingCalendar(lambda year: YearCalendar(year, frozenset(holidays)))
    end = cal.add_working_days(start, days)
    assert cal.working_days_between(start, end) == days
    assert end not in holidays


def test_a_year_without_calendar_data_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarDataMissing) as caught:
        PACKAGE.add_working_days(D(2026, 12, 20), 15)
    assert caught.value.year == 2027
    assert "2027年" in str(caught.value)


def test_the_database_calendar_is_seeded_from_the_package(db: None) -> None:
    assert CalendarYear.objects.filter(source=CalendarYear.Source.CHINESECALENDAR).count() >= 20
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # Before the first year on file nothing is known: an error, never a guess.
    with pytest.raises(CalendarDataMissing) as caught:
        calendar.working_days_between(D(2003, 12, 1), D(2004, 1, 10))
    assert caught.value.year == 2003


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_holidays_are_rest_days_in_every_published_notice(year: int) -> None:
    """The lunar and solar-term dates, and the 2025 rules, against the notices on file."""
    statutory = calendar.statutory_holidays(year)
    assert len(statutory) == 13
    official = PACKAGE._year(year)
    assert not [day for day in statutory if official.is_working_day(day)]


def test_a_year_after_the_latest_on_file_is_provisional_on_the_statutory_holidays(
    db: None,
) -> None:
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert sorted(calendar.statutory_holidays(2027).items()) == [
        (D(2027, 1, 1), "元旦"),
        (D(2027, 2, 5), "春节"),  # 除夕
        (D(2027, 2, 6), "春节"),
        (D(2027, 2, 7), "春节"),
        (D(2027, 2, 8), "春节"),
        (D(2027, 4, 5), "清明节"),
        (D(2027, 5, 1), "劳动节"),
        (D(2027, 5, 2), "劳动节"),
        (D(2027, 6, 9), "端午节"),
        (D(2027, 9, 15), "中秋节"),
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 2), "国庆节"),
        (D(2027, 10, 3), "国庆节"),
    ]
    cal = calendar.db_calendar()
    # Thursday 2026-12-31 + 1: Friday 2027-01-01 is New Year, then the weekend.
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.is_provisional(2027) and not cal.is_provisional(2026)
    assert cal.provisional_from(D(2028, 3, 1)) == 2027
    assert cal.provisional_from(D(2026, 12, 31)) is None
    # Thursday 2027-02-04 + 1: 除夕 Friday, the weekend (初一, 初二), 初三 Monday → Tuesday.
    assert cal.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 9)


def test_an_administrator_can_enter_a_later_year(db: None) -> None:
    calendar_year_set(
        year=2027,
        days=[
            (D(2027, 1, 1), Holiday.Kind.HOLIDAY, "元旦"),
            (D(2027, 1, 2), Holiday.Kind.HOLIDAY, "元旦"),
            (D(2027, 1, 3), Holiday.Kind.HOLIDAY, "元旦"),
            (D(2027, 1, 9), Holiday.Kind.WORKDAY, "调休"),
        ],
        notice="测试用安排",
    )
    # Thursday 2026-12-31 + 1 skips Friday Jan 1 (holiday) and the weekend → Monday Jan 4.
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert calendar.is_working_day(D(2027, 1, 9))
    # Entered, the year is no longer provisional; the next one is.
    cal = calendar.db_calendar()
    assert not cal.is_provisional(2027) and cal.is_provisional(2028)


def test_a_year_entry_with_dates_of_another_year_is_refused(db: None) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        calendar_year_set(year=2027, days=[(D(2028, 1, 1), Holiday.Kind.HOLIDAY, "元旦")])
    assert "不属于2027年" in str(caught.value)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_command_shows_a_provisional_year(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("calendar", "show", "2027", stdout=out)
    assert "2027年未录入" in out.getvalue()
    assert "2027-02-05 春节" in out.getvalue()
