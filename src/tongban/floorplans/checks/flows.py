"""Checks of the flows, computed on the drawn routes and the rooms they pass through: 生进熟出,
finished food kept clean, tableware back to washing, no crossing, separate openings, drainage
and air from clean to less clean."""

from __future__ import annotations

from collections.abc import Iterator

from tongban.floorplans.checks.base import (
    Hit,
    Params,
    _name,
    _xy,
    at_plan,
    at_point,
    bi,
    check,
)
from tongban.floorplans.format import HANDLING, MARKS
from tongban.floorplans.geometry import Geometry, Route, opening_mid, segments_cross

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
