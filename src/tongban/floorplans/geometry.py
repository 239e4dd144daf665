"""The plan's geometry, computed once per check: areas, which walls each opening sits on and
so which rooms it joins (the room graph), which equipment stands in which room, and the rooms
each drawn route passes through, with the place it crosses each wall."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from tongban.floorplans.format import HANDLING, ZONES, Equipment, Mark, Opening, Plan, Room

EPS = 1e-6
TOUCH = 0.051  # metres: an opening within half a grid step of a wall sits on it

XY = tuple[float, float]


def overlap_area(a: Room, b: Room) -> float:
    dx = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    dy = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return dx * dy if dx > EPS and dy > EPS else 0.0


def inside(room: Room, x: float, y: float) -> bool:
    return room.x + EPS < x < room.x + room.w - EPS and room.y + EPS < y < room.y + room.h - EPS


def on_wall(opening: Opening, room: Room) -> bool:
    """The opening lies on one of the room's four walls, within its span."""
    if opening.dir == "h":
        if abs(opening.y - room.y) > TOUCH and abs(opening.y - (room.y + room.h)) > TOUCH:
            return False
        return room.x - TOUCH <= opening.x and opening.x + opening.length <= room.x + room.w + TOUCH
    if abs(opening.x - room.x) > TOUCH and abs(opening.x - (room.x + room.w)) > TOUCH:
        return False
    return room.y - TOUCH <= opening.y and opening.y + opening.length <= room.y + room.h + TOUCH


def opening_end(opening: Opening) -> XY:
    if opening.dir == "h":
        return (opening.x + opening.length, opening.y)
    return (opening.x, opening.y + opening.length)


def opening_mid(opening: Opening) -> XY:
    end = opening_end(opening)
    return ((opening.x + end[0]) / 2, (opening.y + end[1]) / 2)


def room_centre(room: Room) -> XY:
    return (room.x + room.w / 2, room.y + room.h / 2)


def _near_opening(opening: Opening, point: XY) -> bool:
    x, y = point
    if opening.dir == "h":
        return (
            abs(y - opening.y) <= TOUCH
            and opening.x - TOUCH <= x <= opening.x + opening.length + TOUCH
        )
    return (
        abs(x - opening.x) <= TOUCH and opening.y - TOUCH <= y <= opening.y + opening.length + TOUCH
    )


def segments_cross(p1: XY, p2: XY, q1: XY, q2: XY) -> XY | None:
    """Where segment p1p2 crosses segment q1q2 (a proper or touching crossing), or None."""
    rx, ry = p2[0] - p1[0], p2[1] - p1[1]
    sx, sy = q2[0] - q1[0], q2[1] - q1[1]
    denominator = rx * sy - ry * sx
    if abs(denominator) < EPS:
        return None  # parallel: running alongside is not crossing
    qpx, qpy = q1[0] - p1[0], q1[1] - p1[1]
    t = (qpx * sy - qpy * sx) / denominator
    u = (qpx * ry - qpy * rx) / denominator
    if -EPS <= t <= 1 + EPS and -EPS <= u <= 1 + EPS:
        return (p1[0] + t * rx, p1[1] + t * ry)
    return None


@dataclass(frozen=True)
class Crossing:
    """The route goes from room `leaves` to room `enters` (None: outside every room) at
    `at`, through `opening` (None: through a wall)."""

    leaves: str | None
    enters: str | None
    at: XY
    opening: Opening | None


@dataclass
class Route:
    mark: Mark
    rooms: list[str | None] = field(default_factory=list)  # in order, repeats collapsed
    crossings: list[Crossing] = field(default_factory=list)


CELL = 4.0  # metres: the side of the grid cells that index rooms and openings by place


def _cells_of(x1: float, y1: float, x2: float, y2: float) -> list[tuple[int, int]]:
    return [
        (cx, cy)
        for cx in range(int(x1 // CELL), int(x2 // CELL) + 1)
        for cy in range(int(y1 // CELL), int(y2 // CELL) + 1)
    ]


class Geometry:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rooms = {room.id: room for room in plan.rooms}
        # Each room listed in every grid cell it touches: finding the room at a point looks
        # at a few rooms, not all of them.
        self._cells: dict[tuple[int, int], list[Room]] = defaultdict(list)
        for room in plan.rooms:
            for cell in _cells_of(room.x, room.y, room.x + room.w, room.y + room.h):
                self._cells[cell].append(room)
        self._opening_cells: dict[tuple[int, int], list[Opening]] = defaultdict(list)
        for opening in plan.openings:
            x2, y2 = opening_end(opening)
            for cell in _cells_of(opening.x - TOUCH, opening.y - TOUCH, x2 + TOUCH, y2 + TOUCH):
                self._opening_cells[cell].append(opening)

    def _rooms_near(self, x1: float, y1: float, x2: float, y2: float) -> list[Room]:
        """The rooms whose grid cells meet the box, in the plan's order."""
        near: set[str] = set()
        for cell in _cells_of(x1, y1, x2, y2):
            near.update(room.id for room in self._cells.get(cell, ()))
        return [room for room in self.plan.rooms if room.id in near]

    def level(self, room_id: str | None) -> int | None:
        if room_id is None:
            return None
        return ZONES[self.rooms[room_id].zone][2]

    def in_handling(self, room_id: str | None) -> bool:
        return room_id is not None and self.rooms[room_id].zone in HANDLING

    @cached_property
    def areas_by_zone(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for room in self.plan.rooms:
            totals[room.zone] += room.area
        return dict(totals)

    @cached_property
    def handling_area(self) -> float:
        return sum(area for zone, area in self.areas_by_zone.items() if zone in HANDLING)

    @cached_property
    def total_area(self) -> float:
        return sum(self.areas_by_zone.values())

    @cached_property
    def overlaps(self) -> list[tuple[Room, Room]]:
        rooms = sorted(self.plan.rooms, key=lambda r: r.x)
        found = []
        for i, a in enumerate(rooms):
            for b in rooms[i + 1 :]:
                if b.x >= a.x + a.w - EPS:
                    break
                if overlap_area(a, b) > 0:
                    found.append((a, b))
        return found

    @cached_property
    def walls_of(self) -> dict[str, list[str]]:
        """For each opening, the rooms whose wall it sits on (two: between rooms; one: an
        outside wall; none: an opening to nowhere)."""
        walls = {}
        for o in self.plan.openings:
            x2, y2 = opening_end(o)
            near = self._rooms_near(o.x - TOUCH, o.y - TOUCH, x2 + TOUCH, y2 + TOUCH)
            walls[o.id] = [room.id for room in near if on_wall(o, room)]
        return walls

    @cached_property
    def openings_of(self) -> dict[str, list[Opening]]:
        by_room: dict[str, list[Opening]] = defaultdict(list)
        for opening in self.plan.openings:
            for room_id in self.walls_of[opening.id]:
                by_room[room_id].append(opening)
        return by_room

    def exterior(self, opening: Opening) -> bool:
        return len(self.walls_of[opening.id]) == 1

    def neighbours(self, room_id: str, kinds: tuple[str, ...] = ("door",)) -> set[str]:
        """The rooms joined to this one by an opening of `kinds`."""
        joined: set[str] = set()
        for opening in self.openings_of.get(room_id, []):
            if opening.kind in kinds:
                joined.update(r for r in self.walls_of[opening.id] if r != room_id)
        return joined

    def room_at(self, x: float, y: float) -> str | None:
        for room in self._cells.get((int(x // CELL), int(y // CELL)), ()):
            if inside(room, x, y):
                return room.id
        return None

    @cached_property
    def equipment_in(self) -> dict[str | None, list[Equipment]]:
        """Equipment by the room its centre stands in (None: in no room)."""
        placed: dict[str | None, list[Equipment]] = defaultdict(list)
        for item in self.plan.equipment:
            width, height = item.footprint
            placed[self.room_at(item.x + width / 2, item.y + height / 2)].append(item)
        return placed

    def _passage(self, point: XY) -> Opening | None:
        for opening in self._opening_cells.get((int(point[0] // CELL), int(point[1] // CELL)), ()):
            if opening.kind in ("door", "pass_window") and _near_opening(opening, point):
                return opening
        return None

    def _wall_hits(self, a: XY, b: XY) -> list[float]:
        """Where along a→b (0..1) the segment meets a wall line within a room's span."""
        hits = []
        dx, dy = b[0] - a[0], b[1] - a[1]
        box = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
        for room in self._rooms_near(*box):
            if abs(dx) > EPS:
                for wall_x in (room.x, room.x + room.w):
                    t = (wall_x - a[0]) / dx
                    if 0 < t < 1 and room.y - EPS <= a[1] + t * dy <= room.y + room.h + EPS:
                        hits.append(t)
            if abs(dy) > EPS:
                for wall_y in (room.y, room.y + room.h):
                    t = (wall_y - a[1]) / dy
                    if 0 < t < 1 and room.x - EPS <= a[0] + t * dx <= room.x + room.w + EPS:
                        hits.append(t)
        hits.sort()
        merged: list[float] = []
        for t in hits:
            if not merged or t - merged[-1] > 1e-4:
                merged.append(t)
        return merged

    def route(self, mark: Mark) -> Route:
        route = Route(mark)
        points = [(p[0], p[1]) for p in mark.points]
        placed = False
        current: str | None = None
        for a, b in zip(points, points[1:], strict=False):
            ts = [0.0, *self._wall_hits(a, b), 1.0]
            for t0, t1 in zip(ts, ts[1:], strict=False):
                mid = (t0 + t1) / 2
                room = self.room_at(a[0] + mid * (b[0] - a[0]), a[1] + mid * (b[1] - a[1]))
                if not placed:
                    route.rooms.append(room)
                    placed = True
                elif room != current:
                    at = (a[0] + t0 * (b[0] - a[0]), a[1] + t0 * (b[1] - a[1]))
                    where = (round(at[0], 2), round(at[1], 2))
                    route.crossings.append(Crossing(current, room, where, self._passage(at)))
                    route.rooms.append(room)
                current = room
        return route

    @cached_property
    def routes(self) -> dict[str, list[Route]]:
        found: dict[str, list[Route]] = defaultdict(list)
        for mark in self.plan.marks:
            found[mark.kind].append(self.route(mark))
        return found
