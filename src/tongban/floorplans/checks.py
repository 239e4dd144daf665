"""The checks a jurisdiction's rules call, by name. A check reads the plan's geometry and the
rule's parameters and yields one hit per fault: the values its message needs and the place on
the plan it points at. What a fault is called, how binding it is and where the rule comes from
are the rule's data (`ruledata/*.toml`), not the check's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tongban.floorplans.format import (
    BUSINESS,
    EQUIPMENT,
    HANDLING,
    MARKS,
    OPENINGS,
    ZONES,
    Room,
    label,
)
from tongban.floorplans.geometry import (
    XY,
    Geometry,
    Route,
    opening_mid,
    room_centre,
    segments_cross,
)

Params = Mapping[str, Any]
Hit = tuple[dict[str, Any], dict[str, Any]]  # (message values, place on the plan)
Check = Callable[[Geometry, Params], Iterator[Hit]]

CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def at_plan() -> dict[str, Any]:
    return {"kind": "plan"}


def at_room(room: Room) -> dict[str, Any]:
    x, y = room_centre(room)
    return {"kind": "room", "id": room.id, "x": round(x, 2), "y": round(y, 2)}


def at_point(point: XY, kind: str = "point", part: str = "") -> dict[str, Any]:
    place = {"kind": kind, "x": round(point[0], 2), "y": round(point[1], 2)}
    if part:
        place["id"] = part
    return place


def bi(table: Mapping[str, tuple[Any, ...]], code: str) -> tuple[str, str]:
    """A label in both languages: the message's language picks one."""
    return (label(table, code), label(table, code, english=True))


def joined(labels: list[tuple[str, str]], zh: str, en: str) -> tuple[str, str]:
    return (zh.join(a for a, _ in labels), en.join(b for _, b in labels))


def _xy(point: list[float]) -> XY:
    return (point[0], point[1])


def _name(room: Room | None) -> str | tuple[str, str]:
    if room is None:
        return ("室外", "outside")
    return room.name or bi(ZONES, room.zone)


def _rooms(geo: Geometry, zones: list[str] | str) -> list[Room]:
    wanted = {zones} if isinstance(zones, str) else set(zones)
    return [room for room in geo.plan.rooms if room.zone in wanted]


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


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


# --- flows ---------------------------------------------------------------------------------


def _handling_rooms(geo: Geometry) -> bool:
    return any(room.zone in HANDLING for room in geo.plan.rooms)


@check("routes_drawn")
def routes_drawn(geo: Geometry, params: Params) -> Iterator[Hit]:
    if not _handling_rooms(geo):
        return
    present = {room.zone for room in geo.plan.rooms}
    for kind in params.get("kinds", ["raw", "finished"]):
        if kind == "tableware" and not {"dining", "washing"} <= present:
            continue
        if not geo.routes.get(kind):
            yield {"route": bi(MARKS, kind)}, at_plan()


def _food_routes(geo: Geometry, kinds: list[str]) -> Iterator[tuple[str, Route]]:
    for kind in kinds:
        for route in geo.routes.get(kind, []):
            yield kind, route


@check("routes_through_openings")
def routes_through_openings(geo: Geometry, params: Params) -> Iterator[Hit]:
    for kind, route in _food_routes(geo, params.get("kinds", ["raw", "finished", "tableware"])):
        for crossing in route.crossings:
            if crossing.opening is None:
                yield (
                    {
                        "route": bi(MARKS, kind),
                        "from": _name(geo.rooms.get(crossing.leaves or "")),
                        "to": _name(geo.rooms.get(crossing.enters or "")),
                    },
                    at_point(crossing.at, "mark", route.mark.id),
                )


@check("raw_one_way")
def raw_one_way(geo: Geometry, params: Params) -> Iterator[Hit]:
    """生进熟出: along the raw materials' route, the handling rooms never get less clean."""
    for _, route in _food_routes(geo, ["raw"]):
        highest = 0
        for crossing in route.crossings:
            level = geo.level(crossing.enters) if geo.in_handling(crossing.enters) else None
            if level is None:
                continue
            if level < highest:
                yield (
                    {
                        "from": _name(geo.rooms.get(crossing.leaves or "")),
                        "to": _name(geo.rooms.get(crossing.enters or "")),
                    },
                    at_point(crossing.at, "mark", route.mark.id),
                )
            highest = max(highest, level)
        first = route.rooms[0] if route.rooms else None
        if first is not None and geo.in_handling(first) and (geo.level(first) or 0) > 1:
            yield (
                {"from": ("室外", "outside"), "to": _name(geo.rooms[first])},
                at_point(_xy(route.mark.points[0]), "mark", route.mark.id),
            )


@check("finished_stays_clean")
def finished_stays_clean(geo: Geometry, params: Params) -> Iterator[Hit]:
    """Finished food leaves from a cooking area or a 专间 and never goes back through a
    general operating room (粗加工, 切配, 清洗, 库房)."""
    for _, route in _food_routes(geo, ["finished"]):
        first = next((r for r in route.rooms if r is not None), None)
        if first is None or (geo.level(first) or 0) < 2:
            yield (
                {"room": _name(geo.rooms.get(first or ""))},
                at_point(_xy(route.mark.points[0]), "mark", route.mark.id),
            )
        for crossing in route.crossings:
            if geo.in_handling(crossing.enters) and geo.level(crossing.enters) == 1:
                yield (
                    {"room": _name(geo.rooms.get(crossing.enters or ""))},
                    at_point(crossing.at, "mark", route.mark.id),
                )


@check("tableware_to_washing")
def tableware_to_washing(geo: Geometry, params: Params) -> Iterator[Hit]:
    """Used tableware goes to the washing room and passes no cleaner room on the way."""
    for _, route in _food_routes(geo, ["tableware"]):
        last = next((r for r in reversed(route.rooms) if r is not None), None)
        if last is None or geo.rooms[last].zone != "washing":
            yield (
                {"room": _name(geo.rooms.get(last or ""))},
                at_point(_xy(route.mark.points[-1]), "mark", route.mark.id),
            )
        for crossing in route.crossings:
            if geo.in_handling(crossing.enters) and (geo.level(crossing.enters) or 0) >= 2:
                yield (
                    {"room": _name(geo.rooms.get(crossing.enters or ""))},
                    at_point(crossing.at, "mark", route.mark.id),
                )


@check("routes_do_not_cross")
def routes_do_not_cross(geo: Geometry, params: Params) -> Iterator[Hit]:
    first, second = params.get("kinds", ["raw", "finished"])
    for a in geo.routes.get(first, []):
        for b in geo.routes.get(second, []):
            pa = [(p[0], p[1]) for p in a.mark.points]
            pb = [(p[0], p[1]) for p in b.mark.points]
            for p1, p2 in zip(pa, pa[1:], strict=False):
                for q1, q2 in zip(pb, pb[1:], strict=False):
                    point = segments_cross(p1, p2, q1, q2)
                    if point is not None:
                        yield (
                            {
                                "first": bi(MARKS, first),
                                "second": bi(MARKS, second),
                            },
                            at_point(point, "mark", a.mark.id),
                        )


def _handling_door(geo: Geometry, route: Route, entering: bool) -> str | None:
    """The opening where the route enters (or leaves) the handling area."""
    for crossing in route.crossings:
        into = geo.in_handling(crossing.enters) and not geo.in_handling(crossing.leaves)
        out_of = geo.in_handling(crossing.leaves) and not geo.in_handling(crossing.enters)
        if (entering and into) or (not entering and out_of):
            return crossing.opening.id if crossing.opening else None
    return None


@check("separate_entrances")
def separate_entrances(geo: Geometry, params: Params) -> Iterator[Hit]:
    """Raw materials in, finished food out and used tableware back go through different
    openings of the handling area, unless the plan declares they are separated in time."""
    if geo.plan.time_separation:
        return
    used: dict[str, str] = {}
    for kind, entering in (("raw", True), ("finished", False), ("tableware", True)):
        for route in geo.routes.get(kind, []):
            door = _handling_door(geo, route, entering)
            if door is None:
                continue
            if door in used and used[door] != kind:
                opening = next(o for o in geo.plan.openings if o.id == door)
                yield (
                    {
                        "first": bi(MARKS, used[door]),
                        "second": bi(MARKS, kind),
                    },
                    at_point(opening_mid(opening), "opening", door),
                )
            used.setdefault(door, kind)


@check("clean_to_less_clean")
def clean_to_less_clean(geo: Geometry, params: Params) -> Iterator[Hit]:
    """Drainage (or air) runs from the cleaner zone to the less clean one, never back."""
    kind = params.get("kind", "drainage")
    for route in geo.routes.get(kind, []):
        lowest = 4
        for crossing in route.crossings:
            level = geo.level(crossing.enters) if geo.in_handling(crossing.enters) else None
            if level is None:
                continue
            before = geo.level(crossing.leaves) if geo.in_handling(crossing.leaves) else None
            if before is not None:
                lowest = min(lowest, before)
            if level > lowest:
                yield (
                    {
                        "from": _name(geo.rooms.get(crossing.leaves or "")),
                        "to": _name(geo.rooms.get(crossing.enters or "")),
                    },
                    at_point(crossing.at, "mark", route.mark.id),
                )
            lowest = min(lowest, level)


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
