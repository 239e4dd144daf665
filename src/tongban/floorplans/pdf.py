"""The plan as a PDF: the drawing at 1:100 on the smallest ISO sheet that holds it, with the
legend, the rooms and their areas, the equipment and its counts, the flows, the north arrow,
and the checker's summary (the rules' jurisdiction, every finding with its source)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tongban.core.pdf import render_pdf
from tongban.floorplans.checker import Result, jurisdiction
from tongban.floorplans.drawing import MARK_STYLES, ZONE_COLOURS, Pin, extent, plan_svg
from tongban.floorplans.format import EQUIPMENT, MARKS, ZONES, label, plan_parse
from tongban.floorplans.geometry import Geometry
from tongban.floorplans.models import FloorPlan, PlanRevision

SCALE = 100
SCALES = (SCALE, 200, 500, 1000)
# ISO sheets, landscape, in millimetres; 12 mm margins and 30 mm for the title and legend.
SHEETS = [("A4", 297, 210), ("A3", 420, 297), ("A2", 594, 420), ("A1", 841, 594), ("A0", 1189, 841)]


def sheet_for(width_m: float, height_m: float) -> tuple[str, int, int, int]:
    """The smallest ISO sheet that holds the plan at 1:100, as (name, width mm, height mm,
    scale); a plan too large for A0 at 1:100 is drawn at the first of 1:200, 1:500, 1:1000
    that fits, and the sheet says so."""
    for scale in SCALES:
        width_mm, height_mm = width_m * 1000 / scale, height_m * 1000 / scale
        for name, w, h in SHEETS:
            if width_mm <= w - 24 and height_mm <= h - 54:
                return name, w, h, scale
    name, w, h = SHEETS[-1]
    return name, w, h, SCALES[-1]


def finding_pins(findings: list[dict[str, Any]]) -> list[Pin]:
    return [
        Pin(i, f["at"]["x"], f["at"]["y"], "#c62828" if f["severity"] == "binding" else "#f9a825")
        for i, f in enumerate(findings, 1)
        if "x" in f.get("at", {})
    ]


def pdf_context(
    plan: FloorPlan, revision: PlanRevision, result: Result, claim: str = ""
) -> dict[str, Any]:
    parsed = plan_parse(revision.data)
    geo = Geometry(parsed)
    findings = [f.as_dict() for f in result.findings]
    left, top, right, bottom = extent(parsed)
    name, width, height, scale = sheet_for(right - min(left, 0) + 3.5, bottom - min(top, 0) + 3.5)
    equipment: dict[str, Counter[str]] = defaultdict(Counter)
    for room_id, items in geo.equipment_in.items():
        room = geo.rooms.get(room_id or "")
        for item in items:
            equipment[item.kind][room.name if room else "—"] += 1
    return {
        "plan": plan,
        "revision": revision,
        "parsed": parsed,
        "sheet": {"name": name, "width": width, "height": height, "scale": scale},
        "svg": plan_svg(parsed, pins=finding_pins(findings), paper_scale=scale),
        "rooms": [{"room": r, "zone": label(ZONES, r.zone), "area": r.area} for r in parsed.rooms],
        "areas": {
            "handling": round(geo.handling_area, 2),
            "dining": round(geo.areas_by_zone.get("dining", 0.0), 2),
            "total": round(geo.total_area, 2),
        },
        "equipment": [
            {
                "kind": label(EQUIPMENT, kind),
                "count": sum(rooms.values()),
                "where": "、".join(f"{room}×{n}" for room, n in rooms.items()),
            }
            for kind, rooms in sorted(equipment.items())
        ],
        "legend_zones": [(label(ZONES, z), c) for z, c in ZONE_COLOURS.items()],
        "legend_marks": [(label(MARKS, k), c) for k, (c, _) in MARK_STYLES.items()],
        "findings": findings,
        "summary": result.summary(),
        "rules": jurisdiction(result.jurisdiction),
        "claim": claim,
    }


def plan_pdf(plan: FloorPlan, revision: PlanRevision, result: Result, claim: str = "") -> bytes:
    """The PDF; a kiosk's printout carries its 取图码 (`claim`)."""
    return render_pdf("floorplans/plan_pdf.html", pdf_context(plan, revision, result, claim))
