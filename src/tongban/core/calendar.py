"""Working days on China's official calendar: statutory holidays and adjusted workdays (调休).

The arithmetic is pure (`WorkingCalendar` over a loader of `YearCalendar`s) so it can be tested
with hypothesis; `db_calendar()` binds it to the Holiday table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


class CalendarDataMissing(ValueError):
    """A date falls in a year whose holiday schedule is not on file: never guess."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日与调休安排尚未录入，无法计算工作日；"
            f"请管理员在“工作日历”中录入{year}年的安排。"
        )


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


YearLoader = Callable[[int], YearCalendar | None]


class WorkingCalendar:
    """Working-day arithmetic over years loaded on demand, once each."""

    def __init__(self, loader: YearLoader) -> None:
        self._loader = loader
        self._years: dict[int, YearCalendar] = {}

    def _year(self, year: int) -> YearCalendar:
        cached = self._years.get(year)
        if cached is None:
            cached = self._loader(year)
            if cached is None:
                raise CalendarDataMissing(year)
            self._years[year] = cached
        return cached

    def is_working_day(self, day: dt.date) -> bool:
        return self._year(day.year).is_working_day(day)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (before it when negative).

        Zero returns `start` itself. A deadline of n working days from an acceptance on `start`
        falls on add_working_days(start, n): the day of acceptance is not counted.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        if remaining == 0:
            self._year(start.year)
        while remaining:
            current += dt.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start.

        The inverse of add_working_days: working_days_between(a, add_working_days(a, n)) == n.
        """
        if end == start:
            self._year(start.year)
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return sign * count

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        current = day
        while not self.is_working_day(current):
            current += dt.timedelta(days=1)
        return current


def load_year_from_db(year: int) -> YearCalendar | None:
    from tongban.core.models import CalendarYear, Holiday

    if not CalendarYear.objects.filter(year=year).exists():
        return None
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in Holiday.objects.filter(calendar_year_id=year).values_list("date", "kind"):
        (workdays if kind == Holiday.Kind.WORKDAY else holidays).add(day)
    return YearCalendar(year, frozenset(holidays), frozenset(workdays))


def db_calendar() -> WorkingCalendar:
    """A calendar over the Holiday table; make a new one per use case so edits are seen."""
    return WorkingCalendar(load_year_from_db)


def add_working_days(start: dt.date, days: int) -> dt.date:
    return db_calendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return db_calendar().working_days_between(start, end)


def is_working_day(day: dt.date) -> bool:
    return db_calendar().is_working_day(day)
