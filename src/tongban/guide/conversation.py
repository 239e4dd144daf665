"""数小二's conversation: from what a person says to a tailored answer.

The state is the query string alone (what was asked, what was picked, each situation answered),
so nothing about the person is kept; every question is one the item or bundle guide already
asks, and every answer is read from the catalogue and links to the guide it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.catalog.models import Bundle, Material, ServiceItem
from tongban.catalog.selectors import item_get_published, materials_for_choices
from tongban.catalog.services.bundles import bundle_guide
from tongban.guide.index import Hit
from tongban.guide.presenters import local_name
from tongban.guide.services import SearchOutcome, guide_search, query_opened

MAX_CHOICES = 4


@dataclass(frozen=True)
class Option:
    label: str
    href: str
    testid: str = ""


@dataclass
class Turn:
    speaker: str  # "guide" or "person"
    text: str
    options: list[Option] = field(default_factory=list)
    note: str = ""


@dataclass
class MaterialLine:
    name: str
    requirement: str
    fetched: bool  # the platform obtains it (shared data, e-licence, another item's result)
    source: str


@dataclass
class Answer:
    """The tailored result: what to apply for, with which materials, how long, how often
    to come, and where to apply."""

    kind: str
    code: str
    name: str
    items: list[dict[str, Any]]
    materials: list[MaterialLine]
    days: Decimal
    visits: int
    guide_url: str
    apply_url: str
    item_code: str = ""  # for the kiosk's form, when the answer is one item
    basic_code: str = ""  # for "where nearby", when the answer is one item
    has_form: bool = False


@dataclass
class Conversation:
    query: str
    turns: list[Turn]
    answer: Answer | None = None
    query_id: int | None = None
    found_nothing: bool = False


def _href(base: str, **params: str) -> str:
    return base + "?" + urlencode({k: v for k, v in params.items() if v != ""})


def converse(params: dict[str, str], *, base: str, channel: str) -> Conversation:
    """The conversation so far, given the query string `params` (q, to, from, s_<code>)."""
    query = " ".join((params.get("q") or "").split())
    turns = [
        Turn(
            "guide",
            _(
                "您好，我是数小二。请用一句话告诉我您想办什么事，比如“我想开一家书店”“孩子出生上户口”。"
            ),
        )
    ]
    if not query:
        return Conversation(query, turns)
    turns.append(Turn("person", query))
    target = params.get("to") or ""
    if not target:
        return _offer(query, turns, base=base, channel=channel)
    if params.get("from", "").isdigit():
        query_opened(int(params["from"]), target)
    kind, _sep, code = target.partition(":")
    answers = {k[2:]: v for k, v in params.items() if k.startswith("s_") and v}
    if kind == "item":
        item = item_get_published(code)
        if item is not None:
            return _item(query, turns, item, answers, base=base)
    if kind == "bundle":
        bundle = Bundle.objects.filter(code=code, active=True).first()
        if bundle is not None:
            return _bundle(query, turns, bundle, answers, base=base)
    turns.append(Turn("guide", _("这项服务已不在清单中，请换个说法再问一次。")))
    return Conversation(query, turns)


def _offer(query: str, turns: list[Turn], *, base: str, channel: str) -> Conversation:
    found: SearchOutcome = guide_search(query, channel=channel, limit=12)
    picks = _picks(found.hits)
    if not picks:
        turns.append(
            Turn(
                "guide",
                _(
                    "抱歉，我没有找到与“%(q)s”相关的服务。可以换个说法，比如说出要办的证件或要做的事。"
                )
                % {"q": query},
            )
        )
        return Conversation(query, turns, query_id=found.query_id, found_nothing=True)
    options = [
        Option(
            local_name(h.doc),
            _href(base, q=query, to=f"{h.doc.kind}:{h.doc.code}", **{"from": str(found.query_id)}),
            testid=f"ask-pick-{h.doc.kind}",
        )
        for h in picks
    ]
    text = (
        _("我理解您想办的是下面这件事，请确认：")
        if len(picks) == 1
        else _("我找到了这些，您想办的是哪一项？")
    )
    turns.append(Turn("guide", text, options))
    return Conversation(query, turns, query_id=found.query_id)


def _picks(hits: list[Hit]) -> list[Hit]:
    """Items and bundles to choose from; a life event stands for its items."""
    seen: set[str] = set()
    picks = []
    for hit in hits:
        if hit.doc.kind == "event" or hit.doc.code in seen:
            continue
        seen.add(hit.doc.code)
        picks.append(hit)
    return picks[:MAX_CHOICES]


def _ask(
    turns: list[Turn],
    situations: list[tuple[str, str, list[tuple[str, str]]]],
    answers: dict[str, str],
    keep: dict[str, str],
    *,
    base: str,
) -> dict[str, str] | None:
    """Replay the answered situations; ask the first unanswered one. The answers when all
    are answered, else None."""
    chosen: dict[str, str] = {}
    for code, question, options in situations:
        labels = dict(options)
        if answers.get(code) in labels:
            chosen[code] = answers[code]
            turns.append(Turn("guide", question))
            turns.append(Turn("person", labels[answers[code]]))
            continue
        so_far = {f"s_{k}": v for k, v in chosen.items()}
        turns.append(
            Turn(
                "guide",
                question,
                [
                    Option(label, _href(base, **keep, **so_far, **{f"s_{code}": value}))
                    for value, label in options
                ],
            )
        )
        return None
    return chosen


def _item(
    query: str, turns: list[Turn], item: ServiceItem, answers: dict[str, str], *, base: str
) -> Conversation:
    turns.append(Turn("person", item.local_name))
    situations = [
        (s.code, s.question, [(o.code, o.label) for o in s.options.all()])
        for s in item.situations.all()
    ]
    keep = {"q": query, "to": f"item:{item.code}"}
    chosen = _ask(turns, situations, answers, keep, base=base)
    if chosen is None:
        return Conversation(query, turns)
    materials = [
        MaterialLine(
            m.local_name,
            str(Material.Requirement(m.requirement).label),
            m.source != Material.Source.APPLICANT,
            str(Material.Source(m.source).label),
        )
        for m in materials_for_choices(item, chosen)
    ]
    choices_query = urlencode({f"s_{k}": v for k, v in chosen.items()})
    answer = Answer(
        kind="item",
        code=item.code,
        name=item.local_name,
        items=[_item_line(item)],
        materials=materials,
        days=item.promised_limit_days,
        visits=item.visits_required,
        guide_url=reverse("catalog:item_guide", args=[item.code])
        + (f"?{choices_query}" if choices_query else ""),
        apply_url=reverse("cases:apply", args=[item.code]),
        item_code=item.code,
        basic_code=item.basic_code,
        has_form=bool(item.form),
    )
    turns.append(Turn("guide", _("好的，根据您的情况，需要办理的事项和材料如下：")))
    return Conversation(query, turns, answer)


def _bundle(
    query: str, turns: list[Turn], bundle: Bundle, answers: dict[str, str], *, base: str
) -> Conversation:
    turns.append(Turn("person", bundle.local_name))
    keep = {"q": query, "to": f"bundle:{bundle.code}"}
    guide = bundle_guide(bundle, answers)
    chosen = _ask(turns, guide.situations, answers, keep, base=base)
    if chosen is None:
        return Conversation(query, turns)
    guide = bundle_guide(bundle, chosen)
    choices_query = urlencode({f"s_{k}": v for k, v in guide.choices.items()})
    page = reverse("catalog:bundle", args=[bundle.code]) + (
        f"?{choices_query}" if choices_query else ""
    )
    answer = Answer(
        kind="bundle",
        code=bundle.code,
        name=bundle.local_name,
        items=[_item_line(item) for _spec, item in guide.items],
        materials=[
            MaterialLine(
                m.local_name,
                str(Material.Requirement(m.requirement).label),
                m.source != Material.Source.APPLICANT,
                _("套餐内办理结果") if m.produced_by else str(_source_label(m.source)),
            )
            for m in guide.materials
        ],
        days=guide.plan.critical_days,
        visits=guide.visits_after,
        guide_url=page,
        apply_url=page + "#apply",
    )
    turns.append(
        Turn(
            "guide",
            _("好的，这是“一件事”套餐：一次申请，%(n)s个事项并联办理。根据您的情况：")
            % {"n": len(guide.items)},
        )
    )
    return Conversation(query, turns, answer)


def _item_line(item: ServiceItem) -> dict[str, Any]:
    return {
        "name": item.local_name,
        "department": item.department.local_name,
        "days": item.promised_limit_days,
        "url": reverse("catalog:item_guide", args=[item.code]),
    }


def _source_label(source: str) -> str:
    try:
        return str(Material.Source(source).label)
    except ValueError:
        return source
