"""What the guide pages show, computed from the catalogue: the templates run no queries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.accounts.models import Department
from tongban.catalog.models import Audience, ItemType, LifeEvent, Material, ServiceItem
from tongban.catalog.services.bundles import BundleGuide


def bundle_guide_page(guide: BundleGuide) -> dict[str, Any]:
    """A bundle's guide: each item's start and finish day, its wave and whether it is on the
    critical path, the situations asked once, one material list."""
    critical = set(guide.plan.critical_path)
    names = {spec.key: item.local_name for spec, item in guide.items}
    rows = [
        {
            "spec": spec,
            "item": item,
            "start": guide.plan.start[spec.key],
            "finish": guide.plan.finish[spec.key],
            "critical": spec.key in critical,
            "wave": next(n for n, w in enumerate(guide.plan.waves, start=1) if spec.key in w),
            "requires": [names[r] for r in spec.requires],
        }
        for spec, item in guide.items
    ]
    return {
        "guide": guide,
        "rows": rows,
        "situation_rows": [
            (code, question, [(v, label, guide.choices.get(code) == v) for v, label in options])
            for code, question, options in guide.situations
        ],
        "materials": [(m, Material.Requirement(m.requirement).label) for m in guide.materials],
    }


def browse_heading(
    department: Department | None, event: LifeEvent | None, audience: str | None, query: str | None
) -> str:
    """The list's heading: the search, else the department, life event or audience chosen."""
    if query:
        return _("“%(query)s”的查询结果") % {"query": query}
    if department:
        return department.local_name
    if event:
        return event.local_name
    if audience:
        return str(Audience(audience).label)
    return _("全部事项")


def item_summary_out(item: ServiceItem) -> dict[str, object]:
    """An item version as the catalogue API lists it."""
    return {
        "code": item.code,
        "version": item.version,
        "name": item.name,
        "name_en": item.name_en,
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


def item_detail_out(item: ServiceItem) -> dict[str, object]:
    """An item version whole, as the catalogue API shows one (its rows prefetched)."""
    return {
        **item_summary_out(item),
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
