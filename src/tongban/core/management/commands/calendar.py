"""`tongban calendar seed|show YEAR`: load the official calendar, inspect a year (a year not
yet entered shows the statutory holidays it is provisionally counted on)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core.calendar import CalendarDataMissing, db_calendar, statutory_holidays
from tongban.core.models import CalendarYear, Holiday
from tongban.core.services import calendar_seed_from_package


class Command(BaseCommand):
    help = "工作日历 / working-day calendar"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="load chinesecalendar's years")
        seed.add_argument("--overwrite", action="store_true")
        show = sub.add_parser("show", help="list a year's holidays and adjusted workdays")
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed":
            years = calendar_seed_from_package(overwrite=options["overwrite"])
            self.stdout.write(f"已载入年份 / seeded years: {years or '无（均已存在）'}")
            return
        year = options["year"]
        if not CalendarYear.objects.filter(year=year).exists():
            self.stdout.write(f"{year}年未录入 / not on file")
            try:
                provisional = db_calendar().is_provisional(year)
            except CalendarDataMissing:
                return
            if provisional:
                self.stdout.write("暂按法定节假日计算（无调休）/ provisional, statutory holidays:")
                for date, name in sorted(statutory_holidays(year).items()):
                    self.stdout.write(f"{date} {name}")
            return
        for day in Holiday.objects.filter(calendar_year_id=year):
            self.stdout.write(f"{day.date} {day.get_kind_display()} {day.name}")
