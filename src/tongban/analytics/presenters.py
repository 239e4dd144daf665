"""The scoreboard's pages and files: its query read from the address, the rows of the tables
behind the charts, and the CSV, XLSX and monthly PDF report."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from tongban.accounts.models import Department
from tongban.analytics.scoreboard import Filters, Period
from tongban.catalog.models import Audience, LifeEvent, ServiceItem
from tongban.core import clock
from tongban.core.downloads import spreadsheet_cell
from tongban.hall.models import Hall


def _month(raw: str, field: str) -> dt.date:
    found = re.fullmatch(r"(\d{4})-(\d{2})", raw)
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
        raise ValidationError({field: ["月份须为 年-月，例如 2026-03"]})
    return dt.date(int(found[1]), int(found[2]), 1)


def scoreboard_query(params: Mapping[str, str]) -> tuple[Period, Filters]:
    """The period (`from`, `to`: months, default the twelve ending this month) and filters;
    anything malformed is refused naming its field."""
    today = clock.localdate()
    end_month = _month(params["to"], "to") if params.get("to") else today.replace(day=1)
    if params.get("from"):
        start = _month(params["from"], "from")
    else:
        back = end_month.year * 12 + end_month.month - 1 - 11
        start = dt.date(back // 12, back % 12 + 1, 1)
    end = (end_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if start > end:
        raise ValidationError({"from": ["开始月份不能晚于结束月份"]})
    if (end.year - start.year) * 12 + end.month - start.month >= 36:
        raise ValidationError({"from": ["一次最多查看36个月"]})
    filters = Filters(
        item=params.get("item", ""),
        life_event=params.get("life_event", ""),
        audience=params.get("audience", ""),
    )
    if filters.audience and filters.audience not in Audience.values:
        raise ValidationError({"audience": ["服务对象须为 person、enterprise 或 both"]})
    for name in ("department", "hall"):
        raw = params.get(name, "")
        if raw:
            if not raw.isdigit() or len(raw) > 9:
                raise ValidationError({name: ["须为编号"]})
            setattr(filters, name, int(raw))
    if filters.item and len(filters.item) > 40:
        raise ValidationError({"item": ["事项基本编码过长"]})
    if filters.life_event and len(filters.life_event) > 50:
        raise ValidationError({"life_event": ["主题事件编码过长"]})
    return Period(start, end), filters


def filter_options() -> dict[str, Any]:
    items = (
        ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
        .order_by("basic_code")
        .values_list("basic_code", "name")
    )
    return {
        "items": sorted(set(items), key=lambda i: i[1]),
        "departments": list(Department.objects.order_by("order").values_list("pk", "name")),
        "life_events": list(LifeEvent.objects.order_by("order").values_list("code", "name")),
        "audiences": [(a.value, str(a.label)) for a in Audience],
        "halls": list(Hall.objects.filter(active=True).values_list("pk", "name")),
    }


def table(board: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per figure: its name, unit, the period, the year before, then each month."""
    figures = board["figures"]
    months = figures[0]["months"] if figures else []
    header = ["指标", "单位", "本期", "上年同期", *months]
    rows = [
        [
            f["definition"].label,
            f["definition"].unit,
            f["value"],
            f["last_year"],
            *f["series"],
        ]
        for f in figures
    ]
    return header, rows


def xlsx_bytes(board: dict[str, Any], period: Period) -> bytes:
    from openpyxl import Workbook

    header, rows = table(board)
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one; the types say it may not
        sheet = book.create_sheet()
    sheet.title = "记分牌"
    sheet.append([f"{settings.CITY_NAME}政务服务记分牌 {period.start:%Y-%m} 至 {period.end:%Y-%m}"])
    sheet.append(header)
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])
    definitions = book.create_sheet("指标定义")
    definitions.append(["指标", "定义", "对标"])
    for f in board["figures"]:
        d = f["definition"]
        anchors = "；".join(f"{a.label} {a.value}（{a.source}，{a.year}）" for a in d.anchors)
        definitions.append([d.label, d.text, anchors])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def charts(board: dict[str, Any]) -> list[dict[str, Any]]:
    """What each figure's chart draws: this year's months, the year before, the anchors."""
    return [
        {
            "code": f["definition"].code,
            "label": f["definition"].label,
            "unit": f["definition"].unit,
            "months": f["months"],
            "series": f["series"],
            "last_year": f["series_last_year"],
            "anchors": [
                {"label": f"{a['anchor'].label}（{a['anchor'].year}）", "value": a["anchor"].value}
                for a in f["anchors"]
            ],
        }
        for f in board["figures"]
    ]


def refreshed_at() -> dt.datetime | None:
    """When the aggregates were last brought up to date (by the sweep)."""
    from tongban.analytics.models import FigureRefresh

    return FigureRefresh.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
