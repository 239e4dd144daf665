"""Bundles (一件事 / 办事套餐): what the platform derives from a bundle's definition.

A definition names its items (by national basic code), the dependencies between them (an item
that needs another's result) and the situations that add or drop items:

    {"situations": [{"code": "food", "question": "是否销售食品？",
                     "options": [{"code": "yes", "label": "是"}, {"code": "no", "label": "否"}]}],
     "items": [{"key": "licence", "item": "000105001000"},
               {"key": "food", "item": "000105013000", "requires": ["licence"],
                "when": ["food.yes"]}]}

From it: the items that apply to the applicant's choices, the order they can run in (every
item whose inputs exist runs at once), the promised limit as the critical path next to the
serial sum, one merged material list and one merged form. Pure functions over loaded items;
the model and its services are in `models.py` and `services/bundles.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import translation

from tongban.catalog.selectors import default_choices, materials_for_choices

if TYPE_CHECKING:
    from tongban.catalog.models import ServiceItem

KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class BundleError(ValueError):
    """A definition that cannot be used; `problems` name each fault in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class BundleItemSpec:
    key: str
    item: str  # the item's basic code (基本编码): stable across versions and cities
    requires: tuple[str, ...] = ()
    when: tuple[str, ...] = ()  # "situation.option": the item applies only then


@dataclasses.dataclass(frozen=True)
class BundleSpec:
    situations: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]  # code, question, options
    items: tuple[BundleItemSpec, ...]

    def item(self, key: str) -> BundleItemSpec:
        return next(i for i in self.items if i.key == key)


def parse_bundle(raw: Any, *, known_items: Mapping[str, str] | None = None) -> BundleSpec:
    """A checked definition. `known_items` (basic code → name) names every item that exists;
    a dependency cycle is refused with the cycle spelled out by item names."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("items"), list) or not raw["items"]:
        raise BundleError(["套餐定义应包含至少一个事项（items）"])
    problems: list[str] = []
    situations = []
    for s in raw.get("situations") or []:
        options = tuple((str(o["code"]), str(o["label"])) for o in s.get("options") or [])
        if not options:
            problems.append(f"情形“{s.get('code')}”没有选项")
        situations.append((str(s.get("code", "")), str(s.get("question", "")), options))
    refs = {f"{code}.{o}" for code, _, opts in situations for o, _ in opts}
    items = []
    for n, r in enumerate(raw["items"], start=1):
        key = str(r.get("key", ""))
        if not key or not set(key) <= KEY_CHARS:
            problems.append(f"第{n}个事项：键名应为小写字母、数字或下划线")
        code = str(r.get("item", ""))
        if known_items is not None and code not in known_items:
            problems.append(f"事项“{code}”（{key}）不存在或未发布")
        when = tuple(str(w) for w in r.get("when") or [])
        for ref in when:
            if ref not in refs:
                problems.append(f"事项“{key}”的适用情形“{ref}”不存在")
        items.append(
            BundleItemSpec(key, code, tuple(str(q) for q in r.get("requires") or []), when)
        )
    keys = [i.key for i in items]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"事项键名“{key}”重复")
    for i in items:
        for req in i.requires:
            if req not in keys:
                problems.append(f"事项“{i.key}”依赖的“{req}”不在套餐中")
    spec = BundleSpec(situations=tuple(situations), items=tuple(items))
    if not problems:
        cycle = find_cycle(spec)
        if cycle:
            names = [(known_items or {}).get(spec.item(k).item, k) for k in cycle]
            problems.append(f"事项依赖关系成环：{' → '.join(names)}")
    if problems:
        raise BundleError(problems)
    return spec


def find_cycle(spec: BundleSpec) -> list[str]:
    """A dependency cycle as its keys, first repeated at the end ([] when there is none)."""
    graph = {i.key: list(i.requires) for i in spec.items}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        path.append(key)
        for nxt in graph.get(key, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[key] = 2
        return []

    for key in graph:
        if key not in state and (found := visit(key)):
            return found
    return []


def applicable(spec: BundleSpec, choices: Mapping[str, str]) -> list[BundleItemSpec]:
    """The items for these situation choices. An item's dependency on an item that does not
    apply is dropped with it: there is nothing to wait for."""
    chosen = {f"{s}.{o}" for s, o in choices.items()}
    kept = [i for i in spec.items if not i.when or chosen & set(i.when)]
    keys = {i.key for i in kept}
    return [
        dataclasses.replace(i, requires=tuple(r for r in i.requires if r in keys)) for i in kept
    ]


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Working days from submission: when each item can start and is promised to finish."""

    start: dict[str, Decimal]
    finish: dict[str, Decimal]
    serial_days: Decimal
    critical_days: Decimal
    critical_path: list[str]
    waves: list[list[str]]  # items dispatched together: the first wave at submission


def schedule(items: Sequence[BundleItemSpec], limits: Mapping[str, Decimal]) -> Schedule:
    """`limits`: each item key's promised limit in working days. Items run in parallel as soon
    as every item they require is finished; the bundle's limit is the longest chain."""
    start: dict[str, Decimal] = {}
    finish: dict[str, Decimal] = {}
    waves: list[list[str]] = []
    pending = {i.key: i for i in items}
    while pending:
        ready = [k for k, i in pending.items() if all(r in finish for r in i.requires)]
        if not ready:
            raise BundleError(["事项依赖关系成环"])
        waves.append(sorted(ready))
        for key in ready:
            begin = max((finish[r] for r in pending[key].requires), default=Decimal(0))
            start[key], finish[key] = begin, begin + limits[key]
        for key in ready:
            del pending[key]
    critical = max(finish.values(), default=Decimal(0))
    path: list[str] = []
    if finish:
        key = max(finish, key=lambda k: (finish[k], k))
        by_key = {i.key: i for i in items}
        while key:
            path.insert(0, key)
            reqs = by_key[key].requires
            key = max(reqs, key=lambda r: finish[r]) if reqs else ""
    return Schedule(
        start=start,
        finish=finish,
        serial_days=sum((limits[i.key] for i in items), Decimal(0)),
        critical_days=critical,
        critical_path=path,
        waves=waves,
    )


# --- derived from the items themselves ----------------------------------------------------------

REQUIREMENT_RANK = {"required": 2, "conditional": 1, "optional": 0}


def item_choices(item: ServiceItem, bundle_choices: Mapping[str, str]) -> dict[str, str]:
    """An item's situations answered from the bundle's: a situation asked by several items (by
    the same code) is asked once; one the applicant was not asked takes its first option."""
    choices = default_choices(item)
    for code in choices:
        if code in bundle_choices:
            choices[code] = bundle_choices[code]
    return choices


def merged_situations(
    spec: BundleSpec, loaded: Mapping[str, ServiceItem]
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The bundle's own questions, then each item's, every code once (the first wording wins;
    options are the union, in order)."""
    merged: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for code, question, own in spec.situations:
        merged[code] = (question, list(own))
    for bundle_item in spec.items:
        for situation in loaded[bundle_item.key].situations.all():
            _, known = merged.setdefault(situation.code, (situation.question, []))
            for option in situation.options.all():
                if option.code not in {o for o, _ in known}:
                    known.append((option.code, option.label))
    return [(code, q, opts) for code, (q, opts) in merged.items()]


@dataclasses.dataclass(frozen=True)
class MergedMaterial:
    name: str
    requirement: str
    source: str  # the Material.Source of the first item asking; "bundle" when made inside it
    items: tuple[str, ...]  # the bundle keys that need it
    produced_by: str = ""  # the bundle key whose result it is
    name_en: str = ""

    @property
    def local_name(self) -> str:
        english = (translation.get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


def merged_materials(
    items: Sequence[BundleItemSpec],
    loaded: Mapping[str, ServiceItem],
    bundle_choices: Mapping[str, str],
) -> list[MergedMaterial]:
    """One list for the whole bundle: a material several items need (by name) is provided
    once; a result of an item inside the bundle is not asked for at all."""
    by_code = {loaded[i.key].basic_code: i.key for i in items}
    merged: dict[str, MergedMaterial] = {}
    for bundle_item in items:
        item = loaded[bundle_item.key]
        for m in materials_for_choices(item, item_choices(item, bundle_choices)):
            producer = by_code.get(m.source_ref, "") if m.source == "item_output" else ""
            seen = merged.get(m.name)
            if seen is None:
                merged[m.name] = MergedMaterial(
                    name=m.name,
                    name_en=m.name_en,
                    requirement=m.requirement,
                    source="bundle" if producer else m.source,
                    items=(bundle_item.key,),
                    produced_by=producer,
                )
                continue
            stronger = max(seen.requirement, m.requirement, key=lambda r: REQUIREMENT_RANK[r])
            merged[m.name] = dataclasses.replace(
                seen,
                requirement=stronger,
                items=(*seen.items, bundle_item.key),
                produced_by=seen.produced_by or producer,
                source="bundle" if (seen.produced_by or producer) else seen.source,
            )
    return list(merged.values())


def missing_dependencies(spec: BundleSpec, loaded: Mapping[str, ServiceItem]) -> list[str]:
    """An item that takes another bundle item's result as a material must wait for it: a
    definition that forgets to say so is refused, naming both."""
    by_code = {loaded[i.key].basic_code: i.key for i in spec.items}
    problems = []
    for bundle_item in spec.items:
        item = loaded[bundle_item.key]
        for m in item.materials.all():
            producer = by_code.get(m.source_ref) if m.source == "item_output" else None
            if producer and producer != bundle_item.key and producer not in bundle_item.requires:
                problems.append(
                    f"“{item.name}”需要“{loaded[producer].name}”的办理结果（{m.name}），"
                    f"应依赖事项“{producer}”"
                )
    return problems
