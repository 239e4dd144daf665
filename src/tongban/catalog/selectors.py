"""Reads shared by the guide pages, the API and the overview: published items and figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tongban.accounts.models import Department
from tongban.catalog.checks import Finding, item_check
from tongban.catalog.models import (
    Audience,
    Bundle,
    Condition,
    ItemType,
    LifeEvent,
    Material,
    ServiceItem,
    Situation,
    SituationOption,
)
from tongban.core.cache import DEFAULT_TTL, cache_key


def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED).select_related(
        "department"
    )


def item_list(
    *,
    department: str | None = None,
    audience: str | None = None,
    life_event: str | None = None,
    item_type: str | None = None,
    query: str | None = None,
) -> QuerySet[ServiceItem]:
    items = published_items()
    if department:
        items = items.filter(department__code=department)
    if audience:
        items = items.filter(audience__in=[audience, Audience.BOTH])
    if life_event:
        items = items.filter(life_events__code=life_event)
    if item_type:
        items = items.filter(item_type=item_type)
    if query:
        items = items.filter(Q(name__icontains=query) | Q(summary__icontains=query))
    return items.order_by("department__order", "code")


@dataclass(frozen=True)
class PublishedVersion:
    """Identity of a published item version: output keyed by it never goes stale."""

    pk: int
    published_at: object  # only compared and hashed; its Python type varies by backend


# see decision 2
def published_version(code: str) -> PublishedVersion | None:
    """On the hot path of every cached guide, so hand-written SQL (at most one row can match)."""
    table = ServiceItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, published_at FROM {table} WHERE code = %s AND state = %s",  # noqa: S608
            [code, ServiceItem.State.PUBLISHED],
        )
        row = cursor.fetchone()
    return PublishedVersion(int(row[0]), row[1]) if row else None


def catalog_revision() -> tuple[object, ...]:
    """Changes whenever an item is published, superseded or removed. On the hot path of every
    cached list, so one hand-written aggregate instead of the ORM's query compilation."""
    table = ServiceItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(published_at) FROM {table} WHERE state = %s",  # noqa: S608
            [ServiceItem.State.PUBLISHED],
        )
        row = cursor.fetchone()
    return tuple(row) if row else ()


def portal_revision() -> tuple[object, ...]:
    """Changes whenever a public portal page's content changes: an item published,
    superseded or removed, a bundle saved, a life event added or removed. One round trip, as
    it is asked on every cached portal page (`core.pagecache`); a renamed department shows
    within the cache's TTL."""
    items, bundles, events = (
        ServiceItem._meta.db_table,
        Bundle._meta.db_table,
        LifeEvent._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {items} WHERE state = %s),"  # noqa: S608 — model names
            f" (SELECT MAX(published_at) FROM {items} WHERE state = %s),"
            f" (SELECT COUNT(*) FROM {bundles}), (SELECT MAX(updated_at) FROM {bundles}),"
            f" (SELECT COUNT(*) FROM {events}), (SELECT MAX(id) FROM {events})",
            [ServiceItem.State.PUBLISHED, ServiceItem.State.PUBLISHED],
        )
        row = cursor.fetchone()
    return tuple(row) if row else ()


# see decision 14
def item_version(pk: int) -> ServiceItem:
    """One item version with its department, situations and materials, for the case pages and
    submission. Versions that are no longer drafts never change, so they are cached per process
    (a copy per call); a draft is read fresh."""

    def load() -> ServiceItem:
        return (
            ServiceItem.objects.select_related("department")
            .prefetch_related(
                Prefetch(
                    "situations",
                    queryset=Situation.objects.prefetch_related(
                        Prefetch(
                            "options", queryset=SituationOption.objects.order_by("order", "pk")
                        )
                    ),
                ),
                Prefetch(
                    "materials",
                    queryset=Material.objects.prefetch_related("applies_when__situation"),
                ),
            )
            .get(pk=pk)
        )

    key = cache_key("item-version", pk)
    item: ServiceItem | None = caches["local"].get(key)
    if item is None:
        item = load()
        if item.state != ServiceItem.State.DRAFT:
            caches["local"].set(key, item, DEFAULT_TTL)
    return item


def item_briefs(pks: Iterable[int]) -> dict[int, ServiceItem]:
    """Item versions with their department, for lists of cases: one cache read for the page and
    one query for the versions not cached yet (rows of a list need only names and codes)."""
    wanted = set(pks)
    cache = caches["local"]
    keys = {pk: cache_key("item-brief", pk) for pk in wanted}
    found = cache.get_many(keys.values())
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = wanted - result.keys()
    if missing:
        loaded = ServiceItem.objects.select_related("department").in_bulk(missing)
        result |= loaded
        cache.set_many(
            {
                keys[pk]: item
                for pk, item in loaded.items()
                if item.state != ServiceItem.State.DRAFT
            },
            DEFAULT_TTL,
        )
    return result


def item_get_published(code: str) -> ServiceItem | None:
    """The published version with everything the guide shows, in a fixed number of queries."""
    return (
        published_items()
        .prefetch_related(
            "legal_bases",
            "life_events",
            Prefetch("conditions", queryset=Condition.objects.select_related("legal_basis")),
            Prefetch(
                "situations",
                queryset=Situation.objects.prefetch_related(
                    Prefetch("options", queryset=SituationOption.objects.order_by("order", "pk"))
                ),
            ),
            Prefetch(
                "materials",
                queryset=Material.objects.prefetch_related("applies_when__situation"),
            ),
        )
        .filter(code=code)
        .first()
    )


def materials_for(item: ServiceItem, chosen: Iterable[str]) -> list[Material]:
    """The materials that apply when the applicant's situations are `chosen` (option refs
    "situation.option"). A conditional material applies when any of its options is chosen."""
    chosen_set = set(chosen)
    result = []
    for material in item.materials.all():
        refs = {f"{o.situation.code}.{o.code}" for o in material.applies_when.all()}
        if not refs or refs & chosen_set:
            result.append(material)
    return result


def materials_for_choices(item: ServiceItem, choices: dict[str, str]) -> list[Material]:
    """The materials that apply when situation code → option code are `choices`."""
    return materials_for(item, [f"{s}.{o}" for s, o in choices.items()])


def default_choices(item: ServiceItem) -> dict[str, str]:
    """The first option of each situation: what the guide shows before the applicant chooses."""
    choices = {}
    for situation in item.situations.all():
        options = list(situation.options.all())
        if options:
            choices[situation.code] = options[0].code
    return choices


def department_list_with_counts() -> QuerySet[Department]:
    return Department.objects.annotate(
        item_count=Count("items", filter=Q(items__state=ServiceItem.State.PUBLISHED))
    ).filter(item_count__gt=0)


def life_event_list(audience: str | None = None) -> QuerySet[LifeEvent]:
    events = LifeEvent.objects.annotate(
        item_count=Count("serviceitem", filter=Q(serviceitem__state=ServiceItem.State.PUBLISHED))
    ).filter(item_count__gt=0)
    if audience:
        events = events.filter(audience=audience)
    return events


@dataclass(frozen=True)
class CatalogStats:
    total: int
    by_type: dict[str, int]
    by_visits: dict[str, int]
    no_visit_share: float | None
    at_most_one_visit_share: float | None
    mean_promised_to_legal: float | None
    total_limit_reduction: float | None
    immediate_items: int
    unbased_precondition_items: int


def catalog_stats() -> CatalogStats:
    """Figures about the published catalog, computed from the items themselves."""
    items = ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
    rows = list(
        items.annotate(
            unbased=Exists(Condition.objects.filter(item=OuterRef("pk"), legal_basis__isnull=True))
        ).values_list(
            "item_type", "visits_required", "legal_limit_days", "promised_limit_days", "unbased"
        )
    )
    total = len(rows)
    by_type = {code: 0 for code in ItemType.values}
    by_visits = {"0": 0, "1": 0, "2+": 0}
    ratios: list[float] = []
    legal_sum = immediate = unbased = 0
    promised_sum = Decimal(0)
    for item_type, visits, legal, promised, has_unbased in rows:
        by_type[item_type] += 1
        by_visits["0" if visits == 0 else "1" if visits == 1 else "2+"] += 1
        if legal:
            ratios.append(float(promised / legal))
            legal_sum += legal
            promised_sum += promised
        immediate += promised == 0
        unbased += bool(has_unbased)
    return CatalogStats(
        total=total,
        by_type=by_type,
        by_visits=by_visits,
        no_visit_share=by_visits["0"] / total if total else None,
        at_most_one_visit_share=(by_visits["0"] + by_visits["1"]) / total if total else None,
        mean_promised_to_legal=sum(ratios) / len(ratios) if ratios else None,
        total_limit_reduction=float(1 - promised_sum / legal_sum) if legal_sum else None,
        immediate_items=immediate,
        unbased_precondition_items=unbased,
    )


def catalog_findings() -> list[tuple[ServiceItem, list[Finding]]]:
    """Every published or draft item with what the catalogue checks flag about it."""
    items = (
        ServiceItem.objects.exclude(state=ServiceItem.State.SUPERSEDED)
        .select_related("department")
        .prefetch_related("conditions", "legal_bases", "materials")
    )
    result = []
    for item in items:
        findings = item_check(item)
        if findings:
            result.append((item, findings))
    return result
