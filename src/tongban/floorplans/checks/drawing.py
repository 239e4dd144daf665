"""Checks that the plan is a drawing: no overlaps, openings on walls, equipment in rooms,
names, north arrow, scale, equipment drawn."""

from __future__ import annotations

from collections.abc import Iterator

from tongban.floorplans.checks.base import (
    Hit,
    Params,
    _fmt,
    _name,
    at_plan,
    at_point,
    at_room,
    bi,
    check,
)
from tongban.floorplans.format import EQUIPMENT, HANDLING, OPENINGS, ZONES
from tongban.floorplans.geometry import Geometry, opening_mid

# --- drawing: the plan is a plan ---------------------------------------------------------


@check("rooms_overlap")
def rooms_overlap(geo: Geometry, params: Params) -> Iterator[Hit]:
    for a, b in geo.overlaps:
        x = (max(a.x, b.x) + min(a.x + a.w, b.x + b.w)) / 2
        y = (max(a.y, b.y) + min(a.y + a.h, b.y + b.h)) / 2
        yield {"room": _name(a), "other": _name(b)}, at_point((x, y), "room", a.id)


@check("openings_on_walls")
def openings_on_walls(geo: Geometry, params: Params) -> Iterator[Hit]:
    for opening in geo.plan.openings:
        walls = geo.walls_of[opening.id]
        if not walls or (opening.kind == "pass_window" and len(walls) < 2):
            yield (
                {"opening": label_opening(opening.kind)},
                at_point(opening_mid(opening), "opening", opening.id),
            )


def label_opening(kind: str) -> tuple[str, str]:
    return bi(OPENINGS, kind)


@check("equipment_in_rooms")
def equipment_in_rooms(geo: Geometry, params: Params) -> Iterator[Hit]:
    for item in geo.equipment_in.get(None, []):
        yield (
            {"equipment": bi(EQUIPMENT, item.kind)},
            at_point((item.x, item.y), "equipment", item.id),
        )


@check("rooms_named")
def rooms_named(geo: Geometry, params: Params) -> Iterator[Hit]:
    for room in geo.plan.rooms:
        if not room.name.strip():
            yield {"zone": bi(ZONES, room.zone), "area": _fmt(room.area)}, at_room(room)


@check("north_arrow")
def north_arrow(geo: Geometry, params: Params) -> Iterator[Hit]:
    if geo.plan.north is None:
        yield {}, at_plan()


@check("scale")
def scale(geo: Geometry, params: Params) -> Iterator[Hit]:
    if geo.plan.scale is None:
        yield {}, at_plan()


@check("rooms_equipped")
def rooms_equipped(geo: Geometry, params: Params) -> Iterator[Hit]:
    exempt = set(params.get("except", []))
    for room in geo.plan.rooms:
        if room.zone in HANDLING and room.zone not in exempt and not geo.equipment_in.get(room.id):
            yield {"room": _name(room)}, at_room(room)
