"""Checks of the zones a business needs, the 专间 and its requirements, the equipment each
zone needs, and the areas and their ratios."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tongban.floorplans.checks.base import (
    Hit,
    Params,
    _fmt,
    _name,
    _rooms,
    at_plan,
    at_point,
    at_room,
    bi,
    check,
    joined,
)
from tongban.floorplans.format import BUSINESS, EQUIPMENT, HANDLING, ZONES
from tongban.floorplans.geometry import Geometry, opening_mid

# --- zones ---------------------------------------------------------------------------------


@check("zones_required")
def zones_required(geo: Geometry, params: Params) -> Iterator[Hit]:
    """`groups`: for each declared business type, the zones it needs (each entry a zone or a
    list of zones any one of which will do); `always`: what every plan needs."""
    present = {room.zone for room in geo.plan.rooms}
    needed: list[tuple[str, Any]] = [("", group) for group in params.get("always", [])]
    for business in geo.plan.business:
        needed += [(business, group) for group in params.get("groups", {}).get(business, [])]
    reported = set()
    for business, group in needed:
        options = [group] if isinstance(group, str) else list(group)
        key = tuple(sorted(options))
        if present.intersection(options) or key in reported:
            continue
        reported.add(key)
        yield (
            {
                "business": bi(BUSINESS, business) if business else ("餐饮服务", "catering"),
                "zone": joined([bi(ZONES, z) for z in options], "或", " or "),
            },
            at_plan(),
        )


@check("special_room_pre_entry")
def special_room_pre_entry(geo: Geometry, params: Params) -> Iterator[Hit]:
    """A 专间 is entered only through a 预进间: it has a door to one, and no other door."""
    for room in _rooms(geo, params.get("zone", "special_room")):
        doors = [o for o in geo.openings_of.get(room.id, []) if o.kind == "door"]
        leads = {o.id: [r for r in geo.walls_of[o.id] if r != room.id] for o in doors}
        through_pre_entry = [
            o for o in doors if leads[o.id] and geo.rooms[leads[o.id][0]].zone == "pre_entry"
        ]
        if not through_pre_entry:
            yield {"room": _name(room)}, at_room(room)
            continue
        for door in doors:
            if door not in through_pre_entry:
                yield {"room": _name(room)}, at_point(opening_mid(door), "opening", door.id)


@check("pre_entry_hand_wash")
def pre_entry_hand_wash(geo: Geometry, params: Params) -> Iterator[Hit]:
    for room in _rooms(geo, "pre_entry"):
        basins = [e for e in geo.equipment_in.get(room.id, []) if e.kind == "hand_wash"]
        if not any(e.non_manual for e in basins):
            yield {"room": _name(room)}, at_room(room)


@check("doors_self_closing")
def doors_self_closing(geo: Geometry, params: Params) -> Iterator[Hit]:
    for room in _rooms(geo, params.get("zone", "special_room")):
        for door in geo.openings_of.get(room.id, []):
            if door.kind == "door" and not door.self_closing:
                yield {"room": _name(room)}, at_point(opening_mid(door), "opening", door.id)


@check("room_has_opening")
def room_has_opening(geo: Geometry, params: Params) -> Iterator[Hit]:
    for room in _rooms(geo, params["zone"]):
        if not any(o.kind == params["kind"] for o in geo.openings_of.get(room.id, [])):
            yield {"room": _name(room)}, at_room(room)


@check("no_open_drain")
def no_open_drain(geo: Geometry, params: Params) -> Iterator[Hit]:
    for room in _rooms(geo, params.get("zone", "special_room")):
        for item in geo.equipment_in.get(room.id, []):
            if item.kind == "open_drain" or (item.kind == "floor_drain" and not item.sealed):
                yield (
                    {"room": _name(room), "equipment": bi(EQUIPMENT, item.kind)},
                    at_point((item.x, item.y), "equipment", item.id),
                )


@check("room_temperature")
def room_temperature(geo: Geometry, params: Params) -> Iterator[Hit]:
    limit = float(params.get("max", 25))
    for room in _rooms(geo, params.get("zone", "special_room")):
        cooled = [
            e
            for e in geo.equipment_in.get(room.id, [])
            if e.kind == "air_conditioner" and e.temperature_max is not None
        ]
        if not any((e.temperature_max or limit + 1) <= limit for e in cooled):
            yield {"room": _name(room), "max": _fmt(limit)}, at_room(room)


@check("equipment_required")
def equipment_required(geo: Geometry, params: Params) -> Iterator[Hit]:
    """`zones`: for each zone, the equipment each of its rooms must have."""
    for zone, kinds in params.get("zones", {}).items():
        for room in _rooms(geo, zone):
            present = {e.kind for e in geo.equipment_in.get(room.id, [])}
            missing = [k for k in kinds if k not in present]
            if missing:
                yield (
                    {
                        "room": _name(room),
                        "equipment": joined([bi(EQUIPMENT, k) for k in missing], "、", ", "),
                    },
                    at_room(room),
                )


# --- areas ---------------------------------------------------------------------------------


@check("room_min_area")
def room_min_area(geo: Geometry, params: Params) -> Iterator[Hit]:
    """`min_area` m² for each room of `zone`; `shared_min_area` when the plan declares all of
    `shared_when` (e.g. cold food and decorated cakes made in one 专间)."""
    minimum = float(params["min_area"])
    shared = params.get("shared_when")
    if shared and set(shared) <= set(geo.plan.business):
        minimum = float(params.get("shared_min_area", minimum))
    for room in _rooms(geo, params.get("zone", "special_room")):
        if room.area + 1e-6 < minimum:
            yield (
                {
                    "room": _name(room),
                    "area": _fmt(room.area),
                    "min": _fmt(minimum),
                },
                at_room(room),
            )


@check("zone_share")
def zone_share(geo: Geometry, params: Params) -> Iterator[Hit]:
    """The zones' area is at least `min_share` of the handling area (or, with `each`, every
    room of them is). With `when_business`, only for those business types, and then the
    zones are required; otherwise only when the plan has them."""
    handling = geo.handling_area
    if handling <= 0:
        return
    zones = params["zones"]
    share = float(params["min_share"])
    if params.get("each"):
        for room in _rooms(geo, zones):
            if room.area < share * handling - 1e-6:
                yield (
                    {
                        "room": _name(room),
                        "share": _fmt(100 * room.area / handling),
                        "min": _fmt(100 * share),
                    },
                    at_room(room),
                )
        return
    area = sum(geo.areas_by_zone.get(z, 0.0) for z in zones)
    applies = params.get("when_business")
    if applies is not None and not set(applies) & set(geo.plan.business):
        return
    if (_rooms(geo, zones) or applies is not None) and area < share * handling - 1e-6:
        yield (
            {
                "zone": joined([bi(ZONES, z) for z in zones], "、", ", "),
                "share": _fmt(100 * area / handling),
                "min": _fmt(100 * share),
            },
            at_plan(),
        )


def _band(bands: list[Mapping[str, Any]], value: float) -> Mapping[str, Any] | None:
    for band in bands:
        if value <= float(band.get("up_to", float("inf"))) + 1e-6:
            return band
    return None


@check("handling_to_dining")
def handling_to_dining(geo: Geometry, params: Params) -> Iterator[Hit]:
    """Handling area : dining area at least 1 : `ratio` of the dining area's band."""
    dining = geo.areas_by_zone.get("dining", 0.0)
    if dining <= 0:
        return
    band = _band(params["bands"], dining)
    if band is None:
        return
    ratio = float(band["ratio"])
    needed = dining / ratio
    if geo.handling_area + 1e-6 < needed:
        yield (
            {
                "handling": _fmt(geo.handling_area),
                "dining": _fmt(dining),
                "ratio": _fmt(ratio),
                "needed": _fmt(needed),
            },
            at_plan(),
        )


@check("handling_share_of_total")
def handling_share_of_total(geo: Geometry, params: Params) -> Iterator[Hit]:
    """The handling area without `without` zones is at least the band's share of the total
    area (and at least `min_area`)."""
    total = geo.total_area
    band = _band(params["bands"], total)
    if total <= 0 or band is None:
        return
    without = set(params.get("without", []))
    area = sum(a for z, a in geo.areas_by_zone.items() if z in HANDLING and z not in without)
    needed = max(total * float(band["share"]), float(params.get("min_area", 0)))
    if area + 1e-6 < needed:
        yield {"area": _fmt(area), "total": _fmt(total), "needed": _fmt(needed)}, at_plan()


@check("exterior_pest_control")
def exterior_pest_control(geo: Geometry, params: Params) -> Iterator[Hit]:
    """A handling room with a door to the outside has 三防 (flies, rats, insects)."""
    for room in geo.plan.rooms:
        if room.zone not in HANDLING:
            continue
        outside = [
            o for o in geo.openings_of.get(room.id, []) if o.kind == "door" and geo.exterior(o)
        ]
        kinds = {e.kind for e in geo.equipment_in.get(room.id, [])}
        if outside and "pest_control" not in kinds:
            yield {"room": _name(room)}, at_room(room)
