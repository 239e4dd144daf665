"""The guide's writes: searching (with its anonymous log), what was opened, and the vocabulary
(aliases on items and bundles, synonyms) that the catalogue's keepers add from what people
asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.catalog.models import Bundle, ServiceItem, validate_aliases
from tongban.catalog.services.versions import item_new_draft, item_publish, item_update_draft
from tongban.core.audit import audit_log
from tongban.guide.index import Hit, current_index
from tongban.guide.models import GuideQuery, Synonym
from tongban.guide.text import MAX_QUERY_LENGTH, mask_personal, normalise

DEFAULT_QUERY_DAYS = 180


@dataclass(frozen=True)
class SearchOutcome:
    text: str
    hits: list[Hit]
    query_id: int


def query_checked(raw: str | None) -> str:
    """The query as typed, trimmed; refused, naming the field, when empty or too long."""
    text = " ".join((raw or "").split())
    if not text:
        raise ValidationError({"q": ["请输入要查询的内容"]})
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": [f"查询内容不能超过{MAX_QUERY_LENGTH}个字"]})
    return text


def guide_search(raw: str | None, *, channel: str, limit: int = 10) -> SearchOutcome:
    """Rank items, bundles and life events for what was typed, and log the query without
    anything that names a person."""
    text = query_checked(raw)
    normalised = normalise(text)
    hits = current_index().search(normalised, limit=limit)
    logged = GuideQuery.objects.create(
        text=mask_personal(normalised)[:MAX_QUERY_LENGTH],
        channel=channel,
        results=len(hits),
        top=f"{hits[0].doc.kind}:{hits[0].doc.code}" if hits else "",
    )
    return SearchOutcome(text, hits, logged.pk)


def query_opened(query_id: int, target: str) -> None:
    """Note the first result opened from a query (the log's "led somewhere")."""
    GuideQuery.objects.filter(pk=query_id, opened="").update(opened=target[:100])


def queries_prune(*, now: dt.datetime | None = None) -> int:
    days = int(getattr(settings, "TONGBAN_GUIDE_QUERY_DAYS", DEFAULT_QUERY_DAYS))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = GuideQuery.objects.filter(asked_at__lt=cutoff).delete()
    return deleted


# -- vocabulary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasAdded:
    name: str
    published: bool  # False: added to a draft someone is editing, live when it is published
    version: int | None = None


def _alias_checked(aliases: list[str], alias: str) -> list[str]:
    alias = alias.strip()
    if not alias:
        raise ValidationError({"alias": ["俗称不能为空"]})
    if alias in aliases:
        raise ValidationError({"alias": [f"已有俗称“{alias}”"]})
    new = [*aliases, alias]
    try:
        validate_aliases(new)
    except ValidationError as exc:
        raise ValidationError({"alias": exc.messages}) from exc
    return new


@transaction.atomic
def alias_add(*, target: str, alias: str) -> AliasAdded:
    """Add a 俗称 to an item (a new version, as every catalogue change) or a bundle.
    `target` is "item:<code>" or "bundle:<code>". An item with a draft in progress gets it
    in that draft, which is not published on someone else's behalf."""
    kind, _, code = target.partition(":")
    if kind == "bundle":
        bundle = Bundle.objects.select_for_update().filter(code=code).first()
        if bundle is None:
            raise ValidationError({"target": [f"一件事套餐“{code}”不存在"]})
        old = list(bundle.aliases)
        bundle.aliases = _alias_checked(old, alias)
        bundle.save(update_fields=["aliases", "updated_at"])
        audit_log(
            action="catalog.bundle_alias_add",
            obj=bundle,
            changes={"aliases": [old, bundle.aliases]},
        )
        return AliasAdded(bundle.name, published=True)
    if kind != "item":
        raise ValidationError({"target": ["请选择要添加俗称的事项或一件事套餐"]})
    published = ServiceItem.objects.filter(code=code, state=ServiceItem.State.PUBLISHED).first()
    if published is None:
        raise ValidationError({"target": [f"事项“{code}”不存在或未发布"]})
    had_draft = ServiceItem.objects.filter(code=code, state=ServiceItem.State.DRAFT).exists()
    draft = item_new_draft(item=published)
    item_update_draft(item=draft, aliases=_alias_checked(list(draft.aliases), alias))
    if had_draft:
        return AliasAdded(draft.name, published=False, version=draft.version)
    item_publish(item=draft)
    return AliasAdded(draft.name, published=True, version=draft.version)


@transaction.atomic
def synonym_add(*, term: str, canonical: str, note: str = "", user: object = None) -> Synonym:
    synonym = Synonym(term=term, canonical=canonical, note=note.strip()[:200])
    if user is not None and getattr(user, "is_authenticated", False):
        synonym.created_by = user  # type: ignore[assignment]
    synonym.full_clean(exclude=["created_by"], validate_constraints=False)
    if Synonym.objects.filter(
        term=synonym.term, canonical=synonym.canonical, retired_at__isnull=True
    ).exists():
        raise ValidationError({"term": [f"同义词“{synonym}”已存在"]})
    synonym.save()
    audit_log(
        action="guide.synonym_add",
        obj=synonym,
        changes={"term": [None, synonym.term], "canonical": [None, synonym.canonical]},
    )
    return synonym


@transaction.atomic
def synonym_retire(*, synonym: Synonym) -> Synonym:
    if synonym.retired_at is not None:
        raise ValidationError({"synonym": ["该同义词已停用"]})
    synonym.retired_at = timezone.now()
    synonym.save(update_fields=["retired_at"])
    audit_log(action="guide.synonym_retire", obj=synonym, changes={"retired": [False, True]})
    return synonym


def synonyms_export() -> str:
    rows = [
        {"term": s.term, "canonical": s.canonical, **({"note": s.note} if s.note else {})}
        for s in Synonym.objects.filter(retired_at__isnull=True).order_by("term", "canonical")
    ]
    return yaml.safe_dump({"format": 1, "synonyms": rows}, allow_unicode=True, sort_keys=False)


@transaction.atomic
def synonyms_import(text: str) -> int:
    """Add the synonyms a YAML export lists that are not yet active; all or nothing, every
    problem named by its row."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError({"synonyms": [f"YAML 格式错误：{exc}"]}) from exc
    rows = doc.get("synonyms") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise ValidationError({"synonyms": ["应有同义词列表（synonyms）"]})
    errors: list[str] = []
    added = 0
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(f"第{n}条：应为 term/canonical 键值")
            continue
        term, canonical = str(row.get("term") or ""), str(row.get("canonical") or "")
        if Synonym.objects.filter(
            term=term.strip(), canonical=canonical.strip(), retired_at__isnull=True
        ).exists():
            continue
        try:
            synonym_add(term=term, canonical=canonical, note=str(row.get("note") or ""))
        except ValidationError as exc:
            errors.append(f"第{n}条（{term}→{canonical}）：{'；'.join(exc.messages)}")
        else:
            added += 1
    if errors:
        raise ValidationError({"synonyms": errors})
    return added
