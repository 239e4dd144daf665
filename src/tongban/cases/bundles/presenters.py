"""What the 一件事 pages show, computed from the rows: the templates run no queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation

from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import (
    bundle_case_form,
    bundle_case_guide,
    bundle_form_materials,
)
from tongban.cases.models import Case, CaseEvent, CaseMaterial
from tongban.cases.panels import panels_for_bundle_draft
from tongban.cases.presenters import ACTION_LABELS, event_note
from tongban.catalog.models import Material
from tongban.forms.webform import form_rows


def bundle_children_list(parent: BundleCase) -> list[Case]:
    return list(
        parent.children.select_related("item", "department")
        .prefetch_related("materials__material")
        .order_by("pk")
    )


def bundle_timeline(parent: BundleCase) -> list[dict[str, Any]]:
    """One timeline for every department's part. The same step taken for several parts at
    once (creating, submitting the bundle) is one line naming them all."""
    events = (
        CaseEvent.objects.filter(case__bundle_case=parent)
        .select_related("case__item")
        .order_by("at", "pk")
    )
    lines: list[dict[str, Any]] = []
    for e in events:
        note = event_note(e.action, e.note, e.data)
        last = lines[-1] if lines else None
        if (
            last is not None
            and last["action"] == e.action
            and last["note"] == note
            and (e.at - last["at"]).total_seconds() < 60
        ):
            if e.case.item.local_name not in last["items"]:
                last["items"].append(e.case.item.local_name)
            continue
        lines.append(
            {
                "at": e.at,
                "action": e.action,
                "items": [e.case.item.local_name],
                "label": str(ACTION_LABELS.get(e.action, e.action)),
                "note": note,
            }
        )
    for line in lines:
        line["item"] = (
            "、" if not (translation.get_language() or "").startswith("en") else "; "
        ).join(line["items"])
    return lines


def bundle_progress_page(parent: BundleCase) -> dict[str, Any]:
    return {
        "parent": parent,
        "children": bundle_children_list(parent),
        "timeline": bundle_timeline(parent),
    }


def bundle_draft_page(
    parent: BundleCase,
    *,
    posted: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    post: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The one form (prefilled when the children were made) and the one material list: what
    the platform obtained, what waits for a result inside the bundle, what to upload; then
    the panels of the apps above (how the results reach the applicant, together)."""
    errors = dict(errors or {})
    children = bundle_children_list(parent)
    guide = bundle_case_guide(parent)
    merged = bundle_case_form(parent, guide)
    data: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    for child in children:
        data = {**child.form_data, **data}
        sources = {**(child.form_prefill or {}), **sources}
    if posted is not None:
        data = dict(posted)
    obtained = {
        row.material.name: row
        for child in children
        for row in child.materials.all()
        if row.status == CaseMaterial.Status.RESOLVED
    }
    waiting = {c.bundle_key for c in children if c.waiting_for}
    by_form = bundle_form_materials(children, guide)
    materials = [
        {
            "index": i,
            "merged": m,
            # Needed only by children that wait: fetched when they are dispatched.
            "later": set(m.items) <= waiting,
            "requirement": Material.Requirement(m.requirement).label,
            "obtained": obtained.get(m.name),
            "by_form": m.name in by_form,
            "errors": errors.get(f"materials.{m.name}", []),
        }
        for i, m in enumerate(guide.materials)
    ]
    return {
        "parent": parent,
        "guide": guide,
        "children": children,
        "materials": materials,
        "errors": errors,
        "schema": merged.schema,
        "sections": form_rows(merged.schema, data, parent.choices, errors=errors, sources=sources),
        "panels": panels_for_bundle_draft(parent, parent.applicant, post, errors),
    }
