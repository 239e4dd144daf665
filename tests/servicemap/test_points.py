"""Service points: one table of the city's halls, stations, self-service zones, kiosks and
lockers (the hall's and the last mile's own objects linked, not copied), moved as YAML with
every bad row named, and the nearest place that handles an item and is open now."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tongban.catalog.models import ServiceItem
from tongban.hall.models import Hall
from tongban.servicemap.hours import Hours, parse_hours
from tongban.servicemap.models import ServicePoint
from tongban.servicemap.selectors import metres_between, nearest_points, walking_minutes
from tongban.servicemap.services import points_export, points_import

XIAN = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_10AM = dt.datetime(2026, 3, 2, 10, 0, tzinfo=XIAN)
MONDAY_10PM = dt.datetime(2026, 3, 2, 22, 0, tzinfo=XIAN)
SPRING_FESTIVAL_10AM = dt.datetime(2026, 2, 17, 10, 0, tzinfo=XIAN)  # 春节: no working day
SOCIAL_CARD = "000203002000"
XINCHENG = (108.9561, 34.2681)


def _doc(**point: Any) -> str:
    row = {
        "code": "t-1",
        "kind": "street",
        "name": "测试街道便民服务中心",
        "district": "610102",
        "location": [108.96, 34.27],
        "hours": {"days": "working", "opens": "09:00", "closes": "17:00"},
        "items": [SOCIAL_CARD],
    }
    row.update(point)
    return yaml.safe_dump({"points": [{k: v for k, v in row.items() if v is not None}]})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"location": [121.47, 31.23]}, "location", "不在西安市范围内"),
        ({"location": "somewhere"}, "location", "[经度, 纬度]"),
        ({"hours": None}, "hours", "缺少开放时间"),
        ({"hours": {"opens": "18:00", "closes": "09:00"}}, "hours", "关门时间应晚于开门时间"),
        ({"hours": {"days": "weekends", "opens": "09:00", "closes": "17:00"}}, "hours", "days"),
        ({"hours": {"opens": "9点", "closes": "17:00"}}, "hours", "时:分"),
        ({"district": "110101"}, "district", "不是西安市的区县"),
        ({"devices": ["teleporter"]}, "devices", "未知的设备"),
        ({"name": None}, "name", "须有名称"),
        ({"hall": "nope"}, "hall", "不存在"),
        ({"locker_bank": "nope"}, "locker_bank", "不存在"),
    ],
)
def test_a_bad_point_is_refused_by_name_and_nothing_is_written(
    change: dict[str, Any], field: str, words: str
) -> None:
    good = yaml.safe_load(_doc(code="t-0"))["points"][0]
    bad = yaml.safe_load(_doc(**change))["points"][0]
    with pytest.raises(ValidationError) as refused:
        points_import(yaml.safe_dump({"points": [good, bad]}, allow_unicode=True))
    lines = refused.value.message_dict["points"]
    assert any(
        "第2个服务点（t-1）" in line and field in line and words in line for line in lines
    ), lines
    assert not ServicePoint.objects.exists()


@pytest.mark.django_db
def test_points_round_trip_and_update_by_code() -> None:
    assert points_import(_doc()) == 1
    text = points_export()
    assert "测试街道便民服务中心" in text
    ServicePoint.objects.all().delete()
    assert points_import(text) == 1
    points_import(_doc(name="改名后的中心"))
    assert ServicePoint.objects.get().name == "改名后的中心"
    assert ServicePoint.objects.count() == 1


@pytest.mark.usefixtures("demo_city")
def test_the_halls_kiosks_and_lockers_are_the_same_objects() -> None:
    hall_point = ServicePoint.objects.get(kind="hall")
    hall = Hall.objects.get(code="xa-civic")
    assert hall_point.hall == hall and hall_point.shown_name == hall.name
    assert hall_point.shown_address == hall.address
    hall.closes_at = dt.time(16, 0)
    hall.save()
    hall_point.refresh_from_db()
    assert hall_point.opening_hours.closes == dt.time(16, 0)  # read through, never copied
    kiosk = ServicePoint.objects.get(kind="kiosk")
    assert kiosk.device is not None and kiosk.shown_name == kiosk.device.name
    assert ServicePoint.objects.filter(kind="locker", locker_bank__isnull=False).count() == 2


@pytest.mark.usefixtures("demo_city")
@pytest.mark.parametrize(
    ("now", "expected_first_kind"),
    [(MONDAY_10AM, "street"), (MONDAY_10PM, "self_service"), (SPRING_FESTIVAL_10AM, "community")],
)
def test_the_nearest_point_open_now_comes_first(now: dt.datetime, expected_first_kind: str) -> None:
    found = nearest_points(XINCHENG, item=SOCIAL_CARD, now=now)
    assert found[0].open_now
    assert found[0].point.kind == expected_first_kind
    assert all(n.point.handles(SOCIAL_CARD) for n in found)
    opens = [n for n in found if n.open_now]
    assert [n.metres for n in opens] == sorted(n.metres for n in opens)
    closed = [n for n in found if not n.open_now]
    assert all(n.opens_next and n.opens_next > now for n in closed)


@pytest.mark.usefixtures("demo_city")
def test_the_nearby_page(client: Client) -> None:
    html = client.get("/nearby/", {"item": SOCIAL_CARD, "district": "610102"}).content.decode()
    assert html.count('data-testid="nearby-point"') == 5
    assert "步行约" in html and "开放时间" in html
    far = client.get("/nearby/", {"item": SOCIAL_CARD, "lng": "121.47", "lat": "31.23"})
    assert "不在西安市范围内" in far.content.decode()
    for params in [{"item": "nope"}, {}, {"item": SOCIAL_CARD, "lng": "x", "lat": "1e999"}]:
        assert client.get("/nearby/", params).status_code == 200
    item = ServiceItem.objects.get(basic_code=SOCIAL_CARD, state="published")
    guide = client.get(f"/guide/items/{item.code}/").content.decode()
    assert f"/nearby/?item={SOCIAL_CARD}" in guide


def test_distances_and_walking_time() -> None:
    # 1° of latitude is about 111 km; 1,000 m straight is 1,300 m walked, 17⅓ minutes.
    assert 110_000 < metres_between((108.9, 34.0), (108.9, 35.0)) < 112_000
    assert round(walking_minutes(1000), 1) == 17.3


@given(
    opens=st.times(max_value=dt.time(22, 0)),
    length=st.integers(min_value=1, max_value=120),
    moment=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001 — naive bounds, zone below
        max_value=dt.datetime(2026, 12, 31),  # noqa: DTZ001
        timezones=st.just(XIAN),
    ),
)
def test_daily_hours_are_open_exactly_between_opening_and_closing(
    opens: dt.time, length: int, moment: dt.datetime
) -> None:
    start = dt.datetime.combine(
        dt.date(2026, 1, 1), opens.replace(second=0, microsecond=0), tzinfo=XIAN
    )
    closes = (start + dt.timedelta(minutes=length)).time()
    if closes <= start.time():
        return
    hours = parse_hours({"days": "daily", "opens": f"{start:%H:%M}", "closes": f"{closes:%H:%M}"})
    expected = start.time() <= moment.time() < closes
    assert hours.open_at(moment) == expected
    nxt = hours.next_opening(moment)
    assert nxt is not None and nxt > moment and nxt.time() == start.time()


def test_always_open() -> None:
    assert Hours(always=True).open_at(MONDAY_10PM)
    assert parse_hours("24h").text() == "24小时开放"


@pytest.mark.django_db
def test_the_points_command_exports_and_imports(tmp_path: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "points.yaml"
    path.write_text(_doc(), encoding="utf-8")
    out = StringIO()
    call_command("service_points", "import", str(path), stdout=out)
    assert "1" in out.getvalue()
    out = StringIO()
    call_command("service_points", "export", stdout=out)
    assert "测试街道便民服务中心" in out.getvalue()
    path.write_text(_doc(location=[121.47, 31.23]), encoding="utf-8")
    with pytest.raises(CommandError, match="不在西安市范围内"):
        call_command("service_points", "import", str(path))
