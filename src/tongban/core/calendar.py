"""Working days on China's official calendar: statutory holidays and adjusted workdays (调休).

The arithmetic is pure (`WorkingCalendar` over a loader of `YearCalendar`s) so it can be tested
with hypothesis; `db_calendar()` binds it to the Holiday table.

A year after the latest one on file is *provisional* until the State Council's notice is
entered: its rest days are the statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision,
in force from 2025) and the weekends, without the adjusted workdays and bridging days that only
the notice fixes. Cases accept on it instead of being refused; their due dates are marked
provisional and re-mapped once the year is entered (cases.services.deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from tongban.core.errors import Conflict


class CalendarDataMissing(Conflict, ValueError):
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
    provisional: bool = False

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

    def is_provisional(self, year: int) -> bool:
        return self._year(year).provisional

    def as_provisional_from(self, first: int) -> WorkingCalendar:
        """This calendar as it was before `first` was entered: provisional from that year on."""
        return WorkingCalendar(
            lambda year: provisional_year(year) if year >= first else self._year(year)
        )

    def provisional_from(self, day: dt.date) -> int | None:
        """The first provisional year up to `day`'s year, or None when all are on file.

        Provisional years are the ones after the latest on file, so they form a tail."""
        first = None
        year = day.year
        while self._year(year).provisional:
            first = year
            year -= 1
        return first

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


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The rest days 《全国年节及纪念日放假办法》 fixes for every citizen (art. 2, in force from
    2025): New Year 1, Spring Festival 4 (除夕 to 初三), Qingming 1, Labour Day 2, Dragon Boat 1,
    Mid-Autumn 1, National Day 3. The notice of each year adds bridging days and 调休."""
    from chinese_calendar import get_solar_terms
    from lunardate import LunarDate

    if year < 2025:
        raise ValueError("the 2024 revision of the holiday rules applies from 2025")
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = LunarDate(year, 1, 1).to_solar_date()
    for offset in range(-1, 3):
        days[new_year + dt.timedelta(days=offset)] = "春节"
    qingming = next(
        d
        for d, name in get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
        if name == "清明"
    )
    days[qingming] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return days


def provisional_year(year: int) -> YearCalendar:
    """A year whose notice is not yet entered: statutory holidays and weekends only."""
    return YearCalendar(year, frozenset(statutory_holidays(year)), provisional=True)


def load_year_from_db(year: int) -> YearCalendar | None:
    from django.db.models import Max

    from tongban.core.models import CalendarYear, Holiday

    if not CalendarYear.objects.filter(year=year).exists():
        latest = CalendarYear.objects.aggregate(latest=Max("year"))["latest"]
        if latest is not None and year > latest and year >= 2025:
            return provisional_year(year)
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
