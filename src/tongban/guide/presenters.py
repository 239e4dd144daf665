"""What the guide's pages and API show of a search: each result with its kind, name, score
and why it matched, in the visitor's language."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tongban.guide.index import Hit, Match
from tongban.guide.selectors import Document

KIND_LABELS = {
    "item": gettext_lazy("事项"),
    "bundle": gettext_lazy("一件事"),
    "event": gettext_lazy("主题"),
}
FIELD_LABELS = {
    "name": gettext_lazy("名称"),
    "aliases": gettext_lazy("俗称"),
    "result": gettext_lazy("办理结果"),
    "name_en": gettext_lazy("英文名称"),
    "summary": gettext_lazy("简介"),
    "materials": gettext_lazy("申请材料"),
    "events": gettext_lazy("主题"),
    "situations": gettext_lazy("情形"),
    "department": gettext_lazy("部门"),
    "items": gettext_lazy("包含事项"),
}
VIA_LABELS = {
    "synonym": gettext_lazy("同义词"),
    "pinyin": gettext_lazy("拼音"),
    "correction": gettext_lazy("纠错"),
    "english": gettext_lazy("英文"),
}
# A bundle within this share of the best score leads the results page.
LEAD_SHARE = 0.6


def local_name(doc: Document) -> str:
    english = (get_language() or "").startswith("en")
    return doc.name_en if english and doc.name_en else doc.name


def match_out(m: Match) -> dict[str, str]:
    return {
        "term": m.term,
        "field": m.field,
        "field_label": str(FIELD_LABELS[m.field]),
        "via": f"{VIA_LABELS[m.group]} {m.via}" if m.via else "",
    }


def why_text(matches: tuple[Match, ...]) -> str:
    parts = []
    for m in matches:
        part = _("%(field)s含“%(term)s”") % {"field": FIELD_LABELS[m.field], "term": m.term}
        if m.via:
            part += f"（{VIA_LABELS[m.group]} {m.via}）"
        parts.append(part)
    return "；".join(parts)


def hit_out(hit: Hit, query_id: int | None = None) -> dict[str, Any]:
    doc = hit.doc
    target = f"{doc.kind}:{doc.code}"
    follow = (
        reverse("guide:open", args=[query_id]) + f"?to={target}" if query_id is not None else ""
    )
    return {
        "kind": doc.kind,
        "kind_label": str(KIND_LABELS[doc.kind]),
        "code": doc.code,
        "basic_code": doc.basic_code or None,
        "name": local_name(doc),
        "department": doc.department or None,
        "score": round(hit.score, 3),
        "why": [match_out(m) for m in hit.matches],
        "why_text": why_text(hit.matches),
        "url": doc.url,
        "follow_url": follow or doc.url,
        "item_count": len(doc.items) if doc.kind != "item" else None,
    }


def lead_of(hits: list[Hit]) -> Hit | None:
    """The bundle the results page leads with: the first result if it is one, else a bundle
    scoring close to the best."""
    if not hits:
        return None
    top = hits[0].score
    return next(
        (h for h in hits if h.doc.kind == "bundle" and h.score >= LEAD_SHARE * top),
        None,
    )


def grouped(hits: list[Hit], query_id: int | None) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"bundle": [], "item": [], "event": []}
    for hit in hits:
        groups[hit.doc.kind].append(hit_out(hit, query_id))
    return groups
