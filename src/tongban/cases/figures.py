"""The platform's own figure for data sharing (F4): per item, per life event and city-wide,
how many materials submitted cases needed and how many of them the applicant still had to
provide. Computed from the case materials, never from the catalog's claims: a material the
catalog marks as shared counts as provided when the exchange could not fetch it.

A case counts once it has been submitted. A material counts when it was needed: provided by
the applicant, or obtained by the platform (an optional material nobody supplied does not).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count

from tongban.cases.models import CaseMaterial, CaseState
from tongban.catalog.models import LifeEvent

RESOLVED = {CaseMaterial.Status.RESOLVED}
BY_APPLICANT = {CaseMaterial.Status.PROVIDED, CaseMaterial.Status.NEEDS_CORRECTION}


@dataclass
class MaterialFigure:
    cases: int = 0
    required: int = 0
    provided_by_applicant: int = 0
    resolved_by_platform: int = 0

    @property
    def reduction(self) -> float:
        """Share of the needed materials the applicant no longer had to provide."""
        return self.resolved_by_platform / self.required if self.required else 0.0

    def add(self, status: str, n: int) -> None:
        if status in RESOLVED:
            self.resolved_by_platform += n
            self.required += n
        elif status in BY_APPLICANT:
            self.provided_by_applicant += n
            self.required += n

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reduction": round(self.reduction, 4)}


@dataclass
class MaterialFigures:
    city: MaterialFigure = field(default_factory=MaterialFigure)
    by_audience: dict[str, MaterialFigure] = field(default_factory=dict)
    by_item: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_life_event: dict[str, dict[str, Any]] = field(default_factory=dict)


def materials_figures() -> MaterialFigures:
    """One grouped query over the materials of submitted cases, one over case counts, one
    for the life events the items belong to."""
    submitted = CaseMaterial.objects.exclude(case__state=CaseState.DRAFT)
    rows = submitted.values(
        "case__item__basic_code", "case__item__name", "case__item__audience", "status"
    ).annotate(n=Count("pk"))
    figures = MaterialFigures()
    items: dict[str, MaterialFigure] = defaultdict(MaterialFigure)
    names: dict[str, str] = {}
    audiences: dict[str, str] = {}
    for row in rows:
        code = row["case__item__basic_code"]
        names[code] = row["case__item__name"]
        audiences[code] = row["case__item__audience"]
        items[code].add(row["status"], row["n"])
        figures.city.add(row["status"], row["n"])
        figures.by_audience.setdefault(audiences[code], MaterialFigure()).add(
            row["status"], row["n"]
        )
    case_counts = (
        submitted.values("case__item__basic_code")
        .annotate(cases=Count("case", distinct=True))
        .values_list("case__item__basic_code", "cases")
    )
    for code, cases in case_counts:
        items[code].cases = cases
        figures.city.cases += cases
        figures.by_audience[audiences[code]].cases += cases
    figures.by_item = {
        code: {"name": names[code], "audience": audiences[code], **figure.as_dict()}
        for code, figure in sorted(items.items(), key=lambda kv: -kv[1].required)
    }
    events: dict[str, MaterialFigure] = defaultdict(MaterialFigure)
    event_names = {}
    for event in LifeEvent.objects.prefetch_related("serviceitem_set").order_by("order"):
        event_names[event.code] = event.name
        for code in {item.basic_code for item in event.serviceitem_set.all()}:
            if code in items:
                figure = items[code]
                target = events[event.code]
                target.cases += figure.cases
                target.required += figure.required
                target.provided_by_applicant += figure.provided_by_applicant
                target.resolved_by_platform += figure.resolved_by_platform
    figures.by_life_event = {
        code: {"name": event_names[code], **figure.as_dict()} for code, figure in events.items()
    }
    return figures
