"""The platform's own figures as JSON (public aggregates: no person is identifiable)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from tongban.accounts.requests import request_user
from tongban.analytics.presenters import scoreboard_query
from tongban.analytics.scoreboard import scoreboard_cached as scoreboard
from tongban.cases.figures import materials_figures
from tongban.core.errors import PermissionDenied

router = Router(tags=["统计 analytics"])
# The figure's first address, under the exchange; it answers until clients have moved.
legacy_router = Router(tags=["统计 analytics"])


@router.get("/materials", auth=None, summary="数据共享成效：所需材料与申请人实际提交材料")
def materials_stats(request: HttpRequest) -> dict[str, Any]:
    figures = materials_figures()
    return {
        "definition": (
            "已提交办件所需材料中，由平台通过数据共享、电子证照或其他办件结果获取、"
            "申请人无需提交的比例（按办件实际情况计算）"
        ),
        "city": figures.city.as_dict(),
        "by_audience": {k: v.as_dict() for k, v in figures.by_audience.items()},
        "by_life_event": figures.by_life_event,
        "by_item": figures.by_item,
    }


@legacy_router.get(
    "/stats",
    auth=None,
    deprecated=True,
    summary="（旧地址，请改用 /api/analytics/materials）数据共享成效",
)
def exchange_stats(request: HttpRequest) -> dict[str, Any]:
    return materials_stats(request)


class ScoreboardParams(Schema):
    start: str = Field("", alias="from", max_length=7, description="起始月份 YYYY-MM")
    to: str = Field("", max_length=7, description="结束月份 YYYY-MM")
    item: str = Field("", max_length=40, description="事项基本编码")
    department: str = Field("", max_length=9, description="部门编号")
    life_event: str = Field("", max_length=50, description="主题事件编码")
    audience: str = Field("", max_length=12, description="服务对象 person/enterprise/both")
    hall: str = Field("", max_length=9, description="大厅编号")


@router.get("/scoreboard", auth=SessionAuth(), summary="政务服务记分牌：各项指标、月度序列与对标")
def scoreboard_api(request: HttpRequest, params: Query[ScoreboardParams]) -> dict[str, Any]:
    user = request_user(request)
    if not user.has_role("administrator", "hall_manager", "data_steward"):
        raise PermissionDenied("仅管理人员可查看记分牌")
    given = params.dict()
    given["from"] = given.pop("start")
    period, filters = scoreboard_query({k: v for k, v in given.items() if v})
    board = scoreboard(period, filters)
    return {
        "from": f"{period.start:%Y-%m}",
        "to": f"{period.end:%Y-%m}",
        "figures": [
            {
                "code": f["definition"].code,
                "label": f["definition"].label,
                "unit": f["definition"].unit,
                "definition": f["definition"].text,
                "better": f["definition"].better,
                "value": f["value"],
                "last_year": f["last_year"],
                "months": f["months"],
                "series": f["series"],
                "series_last_year": f["series_last_year"],
                "anchors": [
                    {
                        "label": a["anchor"].label,
                        "value": a["anchor"].value,
                        "source": a["anchor"].source,
                        "year": a["anchor"].year,
                        "beats": a["beats"],
                    }
                    for a in f["anchors"]
                ],
            }
            for f in board["figures"]
        ],
        "bundles": board["bundles"],
        "floorplans": board["floorplans"],
    }
