"""What the guide reads: the published catalogue as searchable documents, the synonym table,
and the query log's figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tongban.catalog.bundles import BundleError, parse_bundle
from tongban.catalog.models import Bundle, LifeEvent, Material, ServiceItem, Situation
from tongban.catalog.selectors import catalog_revision
from tongban.guide.models import GuideQuery, Synonym


@dataclass
class Document:
    """One thing the guide can answer with: an item, a bundle or a life event. `fields` holds
    the texts by field (the field's weight is the guide index's)."""

    kind: str
    code: str
    name: str
    name_en: str
    url: str
    audience: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    department: str = ""
    basic_code: str = ""
    items: list[str] = field(default_factory=list)  # a bundle's or event's item codes


def search_revision() -> tuple[object, ...]:
    """Changes whenever what the guide searches changes: an item published, a bundle or life
    event saved, a synonym added or retired. One round trip, as it is asked on every search."""
    tables = {
        "b": Bundle._meta.db_table,
        "e": LifeEvent._meta.db_table,
        "s": Synonym._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {tables['b']}), (SELECT MAX(updated_at) FROM {tables['b']}),"  # noqa: S608, E501
            f" (SELECT COUNT(*) FROM {tables['e']}), (SELECT MAX(id) FROM {tables['e']}),"
            f" (SELECT COUNT(*) FROM {tables['s']} WHERE retired_at IS NULL),"
            f" (SELECT MAX(id) FROM {tables['s']})"
        )
        row = cursor.fetchone()
    return (*catalog_revision(), *(row or ()))


def active_synonyms() -> list[tuple[str, str]]:
    return list(
        Synonym.objects.filter(retired_at__isnull=True)
        .order_by("term", "canonical")
        .values_list("term", "canonical")
    )


def documents() -> list[Document]:
    """Every published item, active bundle and life event, with the texts to search."""
    items = list(
        ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
        .select_related("department")
        .order_by("department__order", "code")
    )
    pks = [i.pk for i in items]
    materials: dict[int, list[str]] = defaultdict(list)
    for item_id, name in Material.objects.filter(item_id__in=pks).values_list("item_id", "name"):
        materials[item_id].append(name)
    situations: dict[int, list[str]] = defaultdict(list)
    for situation in Situation.objects.filter(item_id__in=pks).prefetch_related("options"):
        situations[situation.item_id].append(situation.question)
        situations[situation.item_id].extend(o.label for o in situation.options.all())
    through = ServiceItem.life_events.through
    event_items: dict[int, list[int]] = defaultdict(list)
    for item_id, event_id in through.objects.filter(serviceitem_id__in=pks).values_list(
        "serviceitem_id", "lifeevent_id"
    ):
        event_items[event_id].append(item_id)
    events = list(LifeEvent.objects.order_by("audience", "order", "code"))
    event_names = {e.pk: e.name for e in events}
    item_events: dict[int, list[str]] = defaultdict(list)
    for event_id, item_ids in event_items.items():
        for item_id in item_ids:
            item_events[item_id].append(event_names.get(event_id, ""))

    docs = [
        Document(
            kind="item",
            code=i.code,
            basic_code=i.basic_code,
            name=i.name,
            name_en=i.name_en,
            url=reverse("catalog:item_guide", args=[i.code]),
            audience=i.audience,
            department=i.department.name,
            fields={
                "name": [i.name],
                "aliases": list(i.aliases or []),
                "result": [i.result_name],
                "name_en": [i.name_en],
                "summary": [i.summary],
                "materials": materials[i.pk],
                "events": item_events[i.pk],
                "situations": situations[i.pk],
                "department": [i.department.name, i.department.short_name],
            },
        )
        for i in items
    ]
    by_basic = {i.basic_code: i for i in items}
    by_pk = {i.pk: i for i in items}
    for bundle in Bundle.objects.filter(active=True).order_by("code"):
        try:
            codes = [spec.item for spec in parse_bundle(bundle.definition).items]
        except BundleError:
            continue
        members = [by_basic[c] for c in codes if c in by_basic]
        docs.append(
            Document(
                kind="bundle",
                code=bundle.code,
                name=bundle.name,
                name_en=bundle.name_en,
                url=reverse("catalog:bundle", args=[bundle.code]),
                audience=bundle.audience,
                items=[m.code for m in members],
                fields={
                    "name": [bundle.name],
                    "aliases": list(bundle.aliases or []),
                    "name_en": [bundle.name_en],
                    "summary": [bundle.summary],
                    "items": [m.name for m in members] + [m.result_name for m in members],
                },
            )
        )
    for event in events:
        members = [by_pk[pk] for pk in event_items.get(event.pk, []) if pk in by_pk]
        if not members:
            continue
        docs.append(
            Document(
                kind="event",
                code=event.code,
                name=event.name,
                name_en=event.name_en,
                url=reverse("catalog:browse") + f"?event={event.code}",
                audience=event.audience,
                items=[m.code for m in members],
                fields={
                    "name": [event.name],
                    "name_en": [event.name_en],
                    "items": [m.name for m in members],
                },
            )
        )
    return docs


@dataclass(frozen=True)
class QueryFigure:
    text: str
    asked: int
    found_nothing: int
    opened_nothing: int
    last_asked: dt.datetime


def unanswered_queries(*, days: int = 30, limit: int = 50) -> dict[str, list[QueryFigure]]:
    """The queries of the last `days` that found nothing, and those whose results nobody
    opened, most asked first."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        GuideQuery.objects.filter(asked_at__gte=since)
        .values("text")
        .annotate(
            asked=Count("id"),
            found_nothing=Count("id", filter=Q(results=0)),
            opened_nothing=Count("id", filter=Q(results__gt=0, opened="")),
            opened_any=Count("id", filter=~Q(opened="")),
            last=Max("asked_at"),
        )
        .order_by("-asked", "text")
    )
    nothing: list[QueryFigure] = []
    nowhere: list[QueryFigure] = []
    for row in rows:
        figure = QueryFigure(
            text=row["text"],
            asked=row["asked"],
            found_nothing=row["found_nothing"],
            opened_nothing=row["opened_nothing"],
            last_asked=row["last"],
        )
        if row["found_nothing"] and len(nothing) < limit:
            nothing.append(figure)
        elif row["opened_nothing"] and not row["opened_any"] and len(nowhere) < limit:
            nowhere.append(figure)
    return {"nothing": nothing, "nowhere": nowhere}


def synonym_list() -> QuerySet[Synonym]:
    return Synonym.objects.select_related("created_by").order_by("retired_at", "term", "canonical")
