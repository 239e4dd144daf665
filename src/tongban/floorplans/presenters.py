"""What the floor-plan pages and panels show: the plan as SVG with its findings and the
reviewers' comments as numbered pins, and the panels on the food-licence draft (draw or attach
the layout) and on the case page (the reviewer's comments and 补正; the applicant's fix)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import translation

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.cases.services.tools import tool_material
from tongban.floorplans.checker import jurisdictions
from tongban.floorplans.drawing import Pin, plan_svg
from tongban.floorplans.format import BUSINESS, EQUIPMENT, MARKS, OPENINGS, ZONES, plan_parse
from tongban.floorplans.models import FloorPlan, PlanRevision
from tongban.floorplans.pdf import finding_pins
from tongban.floorplans.services import MATERIAL_KIND, attached_plan, open_comments
from tongban.floorplans.starters import STARTERS

COMMENT_COLOUR = "#6a1b9a"
# Reviewers may comment while the case is with them.
COMMENTABLE = (
    CaseState.SUBMITTED,
    CaseState.PRE_REVIEW,
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
)


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def finding_text(finding: Mapping[str, Any]) -> dict[str, Any]:
    en = english()
    return {
        **finding,
        "text": finding["message_en"] if en else finding["message"],
        "basis": finding["source_en"] if en else finding["source"],
    }


def vocabulary() -> dict[str, Any]:
    """The editor's names for everything it places, in the reader's language."""
    i = 1 if english() else 0

    def table(source: Mapping[str, tuple[Any, ...]]) -> dict[str, str]:
        return {code: names[i] for code, names in source.items()}

    return {
        "zones": table(ZONES),
        "levels": {code: names[2] for code, names in ZONES.items()},
        "openings": table(OPENINGS),
        "equipment": table(EQUIPMENT),
        "marks": table(MARKS),
        "business": table(BUSINESS),
        "jurisdictions": {j.code: (j.name_en if i else j.name) for j in jurisdictions()},
    }


def starters() -> list[dict[str, str]]:
    i = 1 if english() else 0
    return [{"code": code, "name": str(names[i])} for code, names in STARTERS.items()]


def revision_svg(plan: FloorPlan, revision: PlanRevision, with_comments: bool = True) -> str:
    parsed = plan_parse(revision.data)
    findings = [f for f in revision.findings]
    pins = finding_pins(findings)
    if with_comments:
        start = len(pins)
        pins += [
            Pin(start + n, c.x, c.y, COMMENT_COLOUR) for n, c in enumerate(open_comments(plan), 1)
        ]
    return plan_svg(
        parsed, pins=pins, english=english(), attrs={"class": "plan-svg", "data-testid": "plan-svg"}
    )


def floorplan_draft(
    case: Case, viewer: User, posted: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, Any] | None:
    """On the food-licence draft: draw the layout with the tool, or see the one attached."""
    material = tool_material(case, MATERIAL_KIND)
    if material is None:
        return None
    plan = attached_plan(case)
    return {
        "template": "floorplans/_draft.html",
        "material": material,
        "plan": plan,
        "tool_url": reverse("floorplans:home") + f"?case={case.pk}",
    }


def case_panel(case: Case, viewer: User, staff: bool) -> dict[str, Any] | None:
    """The plan attached to the case: for the staff who handle it, the plan with its findings
    and a place to comment and ask for a correction; for the applicant, in 补正, the comments
    to fix and the way back to the editor."""
    plan = attached_plan(case)
    if plan is None:
        return None
    revision = (
        plan.revisions.filter(number=plan.attached_revision).first()
        if plan.attached_revision is not None
        else None
    )
    if revision is None:
        return None
    row = CaseMaterial.objects.filter(case=case, material__kind__code=MATERIAL_KIND).first()
    needs_fix = row is not None and row.status == CaseMaterial.Status.NEEDS_CORRECTION
    may_comment = staff and viewer.has_perm("floorplans.comment_plan", plan)
    comments = open_comments(plan)
    return {
        "template": "floorplans/_case.html",
        "plan": plan,
        "revision": revision,
        "svg": revision_svg(plan, revision),
        "findings": [finding_text(f) for f in revision.findings],
        "comments": comments,
        "first_comment": len([f for f in revision.findings if "x" in f.get("at", {})]) + 1,
        "staff": staff,
        "may_comment": may_comment and case.state in COMMENTABLE,
        "needs_fix": needs_fix and not staff,
        "edit_url": reverse("floorplans:edit", args=[plan.pk]) + f"?case={case.pk}",
        "pdf_url": reverse("floorplans:pdf", args=[plan.pk]) + f"?revision={revision.number}",
    }
