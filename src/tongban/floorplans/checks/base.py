"""The checks a jurisdiction's rules call, by name. A check reads the plan's geometry and the
rule's parameters and yields one hit per fault: the values its message needs and the place on
the plan it points at. What a fault is called, how binding it is and where the rule comes from
are the rule's data (`ruledata/*.toml`), not the check's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tongban.floorplans.format import (
    ZONES,
    Room,
    label,
)
from tongban.floorplans.geometry import (
    XY,
    Geometry,
    room_centre,
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
