"""Load China's official holidays and adjusted workdays for every year chinesecalendar covers."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tongban.core.services import package_calendar_days

    CalendarYear = apps.get_model("core", "CalendarYear")
    Holiday = apps.get_model("core", "Holiday")
    for year, days in sorted(package_calendar_days().items()):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarYear.objects.create(year=year, source="chinesecalendar")
        Holiday.objects.bulk_create(
            Holiday(calendar_year_id=year, date=day, kind=str(kind), name=name)
            for day, kind, name in days
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("core", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
