"""Defining a bundle (checked against the published catalogue) and what its guide shows."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import Department
from tongban.catalog.bundles import (
    BundleError,
    BundleItemSpec,
    MergedMaterial,
    Schedule,
    applicable,
    merged_materials,
    merged_situations,
    missing_dependencies,
    parse_bundle,
    schedule,
)
from tongban.catalog.models import Audience, Bundle, ServiceItem, validate_aliases
from tongban.catalog.selectors import item_version
from tongban.core.audit import audit_log


def _published(codes: set[str] | None = None) -> dict[str, ServiceItem]:
    items = ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
    if codes is not None:
        items = items.filter(basic_code__in=codes)
    return {i.basic_code: i for i in items.order_by("pk")}


def _loaded(items: list[BundleItemSpec]) -> dict[str, ServiceItem]:
    published = _published({i.item for i in items})
    return {i.key: item_version(published[i.item].pk) for i in items}


def bundle_check(definition: Any) -> list[str]:
    """Every fault of a definition against the published catalogue ([] when it is usable)."""
    published = _published()
    try:
        spec = parse_bundle(definition, known_items={c: i.name for c, i in published.items()})
    except BundleError as exc:
        return exc.problems
    return missing_dependencies(spec, _loaded(list(spec.items)))


@transaction.atomic
def bundle_define(
    *,
    code: str,
    name: str,
    audience: str,
    lead_department: Department,
    definition: Mapping[str, Any],
    summary: str = "",
    joint_review: bool = False,
    name_en: str = "",
    aliases: list[str] | None = None,
) -> Bundle:
    """Create or replace a bundle. Refused, naming each fault: an item that does not exist
    or is not published, a dependency cycle (spelled out), an item that needs another's
    result without waiting for it."""
    problems = bundle_check(definition)
    if problems:
        raise ValidationError({"definition": problems})
    spec = parse_bundle(definition)
    if audience not in Audience.values:
        raise ValidationError({"audience": ["服务对象无效"]})
    aliases = list(aliases or [])
    try:
        validate_aliases(aliases)
    except ValidationError as exc:
        raise ValidationError({"aliases": exc.messages}) from exc
    existing = Bundle.objects.filter(code=code).first()
    bundle, created = Bundle.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": name_en,
            "aliases": [a.strip() for a in aliases],
            "summary": summary,
            "audience": audience,
            "lead_department": lead_department,
            "definition": dict(definition),
            "joint_review": joint_review,
        },
    )
    audit_log(
        action="catalog.bundle_define",
        obj=bundle,
        changes={
            "items": [
                [i["item"] for i in existing.definition["items"]] if existing else None,
                [i.item for i in spec.items],
            ]
        },
    )
    return bundle


@dataclasses.dataclass(frozen=True)
class BundleGuide:
    bundle: Bundle
    situations: list[tuple[str, str, list[tuple[str, str]]]]
    choices: dict[str, str]
    items: list[tuple[BundleItemSpec, ServiceItem]]
    plan: Schedule
    materials: list[MergedMaterial]
    visits_before: int  # every department at least once, as when applying item by item
    visits_after: int  # one window for the whole bundle, if anything needs a visit at all
    # Items that apply but whose result the applicant already holds: not applied for again,
    # their result used where the others need it. Each with what was found (see `held`).
    skipped: list[tuple[BundleItemSpec, ServiceItem, dict[str, Any]]] = dataclasses.field(
        default_factory=list
    )
    # The situations asked of the applicant's choices, the skipped items' included: what a
    # choice is checked against.
    asked: list[tuple[str, str, list[tuple[str, str]]]] = dataclasses.field(default_factory=list)


def bundle_items(bundle: Bundle) -> list[str]:
    """The basic codes of every item the bundle may apply (in any situation)."""
    return [i.item for i in parse_bundle(bundle.definition).items]


def bundle_guide(
    bundle: Bundle,
    choices: Mapping[str, str],
    held: Mapping[str, Mapping[str, Any]] | None = None,
) -> BundleGuide:
    """What applies for these choices. `held` (basic code → where it was found) names the
    results the applicant already holds: those items are skipped, and nothing waits for
    them."""
    spec = parse_bundle(bundle.definition)
    loaded = _loaded(list(spec.items))
    situations = merged_situations(spec, loaded)
    chosen = {code: options[0][0] for code, _, options in situations if options}
    for code, _, options in situations:
        if choices.get(code) in {o for o, _ in options}:
            chosen[code] = choices[code]
    held = held or {}
    items = applicable(spec, chosen)
    asked = merged_situations(dataclasses.replace(spec, items=tuple(items)), loaded)
    skipped = [(i, loaded[i.key], dict(held[i.item])) for i in items if i.item in held]
    gone = {i.key for i, _, _ in skipped}
    items = [
        dataclasses.replace(i, requires=tuple(r for r in i.requires if r not in gone))
        for i in items
        if i.key not in gone
    ]
    # Ask only what the items that apply ask (the bundle's own questions always).
    applying = dataclasses.replace(spec, items=tuple(items))
    situations = merged_situations(applying, loaded)
    limits = {i.key: Decimal(loaded[i.key].promised_limit_days) for i in items}
    visits = [loaded[i.key].visits_required for i in items]
    return BundleGuide(
        bundle=bundle,
        situations=situations,
        choices={code: chosen[code] for code, _, _ in situations if code in chosen},
        items=[(i, loaded[i.key]) for i in items],
        plan=schedule(items, limits),
        materials=merged_materials(items, loaded, chosen),
        visits_before=sum(max(1, v) for v in visits),
        visits_after=min(1, max(visits, default=0)),
        skipped=skipped,
        asked=asked,
    )
