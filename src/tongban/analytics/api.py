"""The platform's own figures as JSON (public aggregates: no person is identifiable)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tongban.cases.figures import materials_figures

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
