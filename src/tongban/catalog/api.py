"""Read API of the catalog: parse → selector → schema."""

from dataclasses import asdict
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from tongban.catalog import selectors
from tongban.catalog.models import ItemType
from tongban.catalog.presenters import item_detail_out, item_summary_out
from tongban.catalog.schemas import (
    CatalogStatsOut,
    DepartmentOut,
    ItemDetailOut,
    ItemPageOut,
    ItemSummaryOut,
    LifeEventOut,
)
from tongban.core.api_types import Offset
from tongban.core.cache import cache_key, cached

router = Router(tags=["事项清单 catalog"])
JSON = "application/json; charset=utf-8"


class ItemFilter(Schema):
    limit: int = Field(default=20, ge=1, le=100)
    offset: Offset = 0
    department: str | None = None
    audience: Literal["person", "enterprise"] | None = None
    life_event: str | None = None
    item_type: ItemType | None = None
    q: str | None = Field(default=None, max_length=50)


@router.get("/items", response=ItemPageOut, summary="已发布事项列表")
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> HttpResponse:
    def produce() -> bytes:
        items = selectors.item_list(
            department=filters.department,
            audience=filters.audience,
            life_event=filters.life_event,
            item_type=filters.item_type,
            query=filters.q,
        )
        page = items[filters.offset : filters.offset + filters.limit]
        body = ItemPageOut(
            count=items.count(),
            items=[ItemSummaryOut.model_validate(item_summary_out(i)) for i in page],
        )
        return body.model_dump_json().encode()

    key = cache_key(
        "api-items", selectors.catalog_revision(), filters.model_dump_json(), get_language()
    )
    return HttpResponse(cached(key, produce), content_type=JSON)


@router.get("/items/{code}", response=ItemDetailOut, summary="事项办事指南")
def get_item(request: HttpRequest, code: str) -> HttpResponse:
    version = selectors.published_version(code)
    if version is None:
        raise Http404("事项不存在或未发布")

    def produce() -> bytes:
        item = selectors.item_get_published(code)
        if item is None:
            raise Http404("事项不存在或未发布")
        return ItemDetailOut.model_validate(item_detail_out(item)).model_dump_json().encode()

    key = cache_key("api-item", version.pk, version.published_at, get_language())
    return HttpResponse(cached(key, produce), content_type=JSON)


@router.get("/departments", response=list[DepartmentOut], summary="有已发布事项的部门")
def list_departments(request: HttpRequest) -> list[object]:
    return list(selectors.department_list_with_counts())


@router.get("/life-events", response=list[LifeEventOut], summary="主题事件")
def list_life_events(request: HttpRequest) -> list[object]:
    return list(selectors.life_event_list())


@router.get("/stats", response=CatalogStatsOut, summary="事项清单统计（由事项数据计算）")
def stats(request: HttpRequest) -> dict[str, object]:
    return asdict(selectors.catalog_stats())
