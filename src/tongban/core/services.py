"""Writes of the shared kernel: seeding and editing the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from tongban.core.audit import audit_log
from tongban.core.models import CalendarYear, Holiday

# chinesecalendar names its holidays in English; the calendar shows the Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


def package_calendar_days() -> dict[int, list[tuple[dt.date, str, str]]]:
    """Every (date, kind, name) chinesecalendar knows, grouped by year."""
    from chinese_calendar import constants

    by_year: dict[int, list[tuple[dt.date, str, str]]] = {}
    for day, name in constants.holidays.items():
        label = HOLIDAY_NAMES_ZH.get(str(name), str(name))
        by_year.setdefault(day.year, []).append((day, Holiday.Kind.HOLIDAY, label))
    for day, name in constants.workdays.items():
        label = HOLIDAY_NAMES_ZH.get(str(name), str(name))
        by_year.setdefault(day.year, []).append((day, Holiday.Kind.WORKDAY, f"{label}调休"))
    return by_year


@transaction.atomic
def calendar_seed_from_package(*, overwrite: bool = False) -> list[int]:
    """Load every year chinesecalendar covers; years already on file are kept unless overwrite."""
    seeded: list[int] = []
    for year, days in sorted(package_calendar_days().items()):
        exists = CalendarYear.objects.filter(year=year).exists()
        if exists and not overwrite:
            continue
        Holiday.objects.filter(calendar_year_id=year).delete()
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": CalendarYear.Source.CHINESECALENDAR}
        )
        Holiday.objects.bulk_create(
            Holiday(calendar_year_id=year, date=day, kind=kind, name=name)
            for day, kind, name in days
        )
        seeded.append(year)
    if seeded:
        audit_log(
            action="calendar.seed",
            object_type="core.calendaryear",
            object_id=f"{seeded[0]}-{seeded[-1]}",
            changes={"years": [None, seeded]},
        )
    return seeded


@transaction.atomic
def calendar_year_set(
    *, year: int, days: list[tuple[dt.date, str, str]], notice: str = ""
) -> CalendarYear:
    """Enter (or replace) a year's holidays and adjusted workdays from the State Council."""
    from django.core.exceptions import ValidationError

    errors: list[str] = []
    seen: set[dt.date] = set()
    for day, kind, _name in days:
        if day.year != year:
            errors.append(f"日期{day.isoformat()}不属于{year}年")
        if kind not in Holiday.Kind.values:
            errors.append(f"日期{day.isoformat()}的类型“{kind}”无效")
        if day in seen:
            errors.append(f"日期{day.isoformat()}重复")
        seen.add(day)
    if errors:
        raise ValidationError({"days": errors})
    old: dict[str, Any] = {
        d.isoformat(): k
        for d, k in Holiday.objects.filter(calendar_year_id=year).values_list("date", "kind")
    }
    calendar_year, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": CalendarYear.Source.MANUAL, "notice": notice}
    )
    Holiday.objects.filter(calendar_year_id=year).delete()
    Holiday.objects.bulk_create(
        Holiday(calendar_year_id=year, date=day, kind=kind, name=name) for day, kind, name in days
    )
    new = {day.isoformat(): kind for day, kind, _ in days}
    audit_log(
        action="calendar.year_set",
        obj=calendar_year,
        changes={"days": [old, new], "notice": [None, notice]},
    )
    return calendar_year
