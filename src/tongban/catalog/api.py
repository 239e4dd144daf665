"""Read API of the catalog: parse → selector → schema."""

from dataclasses import asdict
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from tongban.catalog import selectors
from tongban.catalog.models import ItemType, ServiceItem
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


def _summary(item: ServiceItem) -> dict[str, object]:
    return {
        "code": item.code,
        "version": item.version,
        "name": item.name,
        "department": item.department.name,
        "item_type": item.item_type,
        "item_type_label": str(ItemType(item.item_type).label),
        "audience": item.audience,
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": float(item.promised_limit_days),
        "visits_required": item.visits_required,
        "online_depth": item.online_depth,
        "url": reverse("catalog:item_guide", args=[item.code]),
    }


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
            count=items.count(), items=[ItemSummaryOut.model_validate(_summary(i)) for i in page]
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
        return ItemDetailOut.model_validate(_detail(item)).model_dump_json().encode()

    key = cache_key("api-item", version.pk, version.published_at, get_language())
    return HttpResponse(cached(key, produce), content_type=JSON)


def _detail(item: ServiceItem) -> dict[str, object]:
    return {
        **_summary(item),
        "basic_code": item.basic_code,
        "summary": item.summary,
        "case_kind": item.case_kind_display,
        "visits_reason": item.visits_reason,
        "handling_forms": item.handling_forms,
        "delivery_modes": item.delivery_modes,
        "fee_charged": item.fee_charged,
        "fee_standard": item.fee_standard,
        "fee_basis": item.fee_basis,
        "result_name": item.result_name,
        "result_type": item.result_type,
        "location": item.location,
        "hours": item.hours,
        "consult_phone": item.consult_phone,
        "legal_bases": [
            {"key": b.key, "law": b.law, "article": b.article} for b in item.legal_bases.all()
        ],
        "conditions": [
            {"text": c.text, "legal_basis": str(c.legal_basis) if c.legal_basis else None}
            for c in item.conditions.all()
        ],
        "situations": [
            {
                "code": s.code,
                "question": s.question,
                "options": [{"code": o.code, "label": o.label} for o in s.options.all()],
            }
            for s in item.situations.all()
        ],
        "materials": [
            {
                "name": m.name,
                "requirement": m.requirement,
                "originals": m.originals,
                "copies": m.copies,
                "source": m.source,
                "source_label": str(m.get_source_display()),
                "applies_when": [f"{o.situation.code}.{o.code}" for o in m.applies_when.all()],
            }
            for m in item.materials.all()
        ],
    }


@router.get("/departments", response=list[DepartmentOut], summary="有已发布事项的部门")
def list_departments(request: HttpRequest) -> list[object]:
    return list(selectors.department_list_with_counts())


@router.get("/life-events", response=list[LifeEventOut], summary="主题事件")
def list_life_events(request: HttpRequest) -> list[object]:
    return list(selectors.life_event_list())


@router.get("/stats", response=CatalogStatsOut, summary="事项清单统计（由事项数据计算）")
def stats(request: HttpRequest) -> dict[str, object]:
    return asdict(selectors.catalog_stats())
