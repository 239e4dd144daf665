"""What the guide pages show, computed from the catalogue: the templates run no queries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tongban.accounts.models import Department
from tongban.catalog.models import Audience, LifeEvent, Material
from tongban.catalog.services.bundles import BundleGuide


def bundle_guide_page(guide: BundleGuide) -> dict[str, Any]:
    """A bundle's guide: each item's start and finish day, its wave and whether it is on the
    critical path, the situations asked once, one material list."""
    critical = set(guide.plan.critical_path)
    names = {spec.key: item.name for spec, item in guide.items}
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
        return department.name
    if event:
        return event.name
    if audience:
        return str(Audience(audience).label)
    return _("全部事项")
