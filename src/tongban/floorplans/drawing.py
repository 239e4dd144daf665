"""The plan drawn as SVG, in metres: for the reviewer's page and, at 1:100, for the PDF. The
same picture the editor shows — rooms coloured by zone with their names and areas, walls,
doors, windows and pass-through windows, equipment, the three flows, drainage and ventilation,
the north arrow and a scale bar — with the checker's findings and the reviewers' comments as
numbered markers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape

from tongban.floorplans.format import EQUIPMENT, ZONES, Plan, label

ZONE_COLOURS = {
    "special_room": "#cfe8ff",
    "dedicated_area": "#d8ecff",
    "pre_entry": "#e6f2ff",
    "cooking": "#ffe3c2",
    "tableware_storage": "#fff0d6",
    "rough_processing": "#e4f5d4",
    "cutting": "#edf8e1",
    "washing": "#e0f4f1",
    "storage": "#efe9df",
    "dining": "#fafafa",
    "auxiliary": "#eeeeee",
}
MARK_STYLES = {
    "raw": ("#c62828", ""),
    "finished": ("#2e7d32", ""),
    "tableware": ("#1565c0", ""),
    "ventilation": ("#757575", "0.3 0.2"),
    "drainage": ("#00838f", "0.15 0.15"),
}
MARGIN = 1.5  # metres around the plan, for the north arrow and the scale bar


@dataclass(frozen=True)
class Pin:
    number: int
    x: float
    y: float
    colour: str


def extent(plan: Plan) -> tuple[float, float, float, float]:
    xs: list[float] = [0.0]
    ys: list[float] = [0.0]
    for room in plan.rooms:
        xs += [room.x, room.x + room.w]
        ys += [room.y, room.y + room.h]
    for mark in plan.marks:
        xs += [p[0] for p in mark.points]
        ys += [p[1] for p in mark.points]
    return min(xs), min(ys), max(max(xs), 4.0), max(max(ys), 4.0)


def _f(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: float, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" text-anchor="middle"{extra}>'
        f"{escape(text)}</text>"
    )


def _rooms(plan: Plan, english: bool) -> Iterable[str]:
    for room in plan.rooms:
        yield (
            f'<rect x="{_f(room.x)}" y="{_f(room.y)}" width="{_f(room.w)}" height="{_f(room.h)}" '
            f'fill="{ZONE_COLOURS[room.zone]}" stroke="#333" stroke-width="0.12" '
            f'data-room="{escape(room.id)}"/>'
        )
    for room in plan.rooms:
        cx, cy = room.x + room.w / 2, room.y + room.h / 2
        size = max(0.18, min(0.4, room.w / 8, room.h / 4))
        yield _text(cx, cy - size * 0.2, room.name or label(ZONES, room.zone, english), size)
        yield _text(
            cx,
            cy + size * 1.1,
            f"{label(ZONES, room.zone, english)} {room.area:g}㎡",
            size * 0.7,
            fill="#555",
        )


def _openings(plan: Plan) -> Iterable[str]:
    for o in plan.openings:
        x2, y2 = (o.x + o.length, o.y) if o.dir == "h" else (o.x, o.y + o.length)
        line = f'x1="{_f(o.x)}" y1="{_f(o.y)}" x2="{_f(x2)}" y2="{_f(y2)}"'
        if o.kind == "door":
            yield f'<line {line} stroke="#fff" stroke-width="0.16"/>'
            yield f'<line {line} stroke="#8d6e63" stroke-width="0.05" stroke-dasharray="0.1 0.05"/>'
        elif o.kind == "window":
            yield f'<line {line} stroke="#fff" stroke-width="0.16"/>'
            yield f'<line {line} stroke="#4fc3f7" stroke-width="0.08"/>'
        else:
            yield f'<line {line} stroke="#ef6c00" stroke-width="0.2"/>'


def _equipment(plan: Plan, english: bool) -> Iterable[str]:
    for item in plan.equipment:
        w, h = item.footprint
        yield (
            f'<rect x="{_f(item.x)}" y="{_f(item.y)}" width="{_f(w)}" height="{_f(h)}" '
            'fill="#fff" fill-opacity="0.7" stroke="#666" stroke-width="0.03"/>'
        )
        size = max(0.1, min(0.18, w / 4, h / 1.5))
        yield _text(
            item.x + w / 2,
            item.y + h / 2 + size / 3,
            item.label or label(EQUIPMENT, item.kind, english),
            size,
            fill="#444",
        )


def _markers() -> Iterable[str]:
    yield "<defs>"
    for kind, (colour, _) in MARK_STYLES.items():
        yield (
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" '
            f'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
        )
    yield "</defs>"


def _marks(plan: Plan) -> Iterable[str]:
    for mark in plan.marks:
        colour, dash = MARK_STYLES[mark.kind]
        points = " ".join(f"{_f(p[0])},{_f(p[1])}" for p in mark.points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        yield (
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="0.08"'
            f'{dashed} marker-end="url(#arrow-{mark.kind})" data-mark="{escape(mark.id)}"/>'
        )


def _north_and_scale(plan: Plan, right: float, bottom: float, printed: int | None) -> Iterable[str]:
    """The north arrow, and a 5 m scale bar labelled with the printed scale (on screen: the
    plan's declared one)."""
    if plan.north is not None:
        x, y = right + 0.8, 0.9
        yield (
            f'<g transform="translate({_f(x)},{_f(y)}) rotate({_f(plan.north)})">'
            '<path d="M0,-0.7 L0.3,0.5 L0,0.3 L-0.3,0.5 z" fill="#222"/>'
            '<text x="0" y="-0.8" font-size="0.35" text-anchor="middle">N</text></g>'
        )
    scale = printed or plan.scale
    if plan.scale is not None and scale is not None:
        y = bottom + 0.8
        yield f'<line x1="0" y1="{_f(y)}" x2="5" y2="{_f(y)}" stroke="#222" stroke-width="0.06"/>'
        for tick in range(6):
            yield (
                f'<line x1="{tick}" y1="{_f(y - 0.12)}" x2="{tick}" y2="{_f(y + 0.12)}" '
                'stroke="#222" stroke-width="0.04"/>'
            )
        yield _text(2.5, y + 0.5, f"0–5 m · 1:{scale}", 0.28)


def _pins(pins: Sequence[Pin]) -> Iterable[str]:
    for pin in pins:
        yield (
            f'<g data-pin="{pin.number}"><circle cx="{_f(pin.x)}" cy="{_f(pin.y)}" r="0.28" '
            f'fill="{pin.colour}" stroke="#fff" stroke-width="0.05"/>'
        )
        yield _text(pin.x, pin.y + 0.11, str(pin.number), 0.3, fill="#fff") + "</g>"


def plan_svg(
    plan: Plan,
    *,
    pins: Sequence[Pin] = (),
    english: bool = False,
    paper_scale: int | None = None,
    attrs: dict[str, Any] | None = None,
) -> str:
    """The plan as an SVG element. `paper_scale` (100 for 1:100) sizes it in millimetres for
    print; otherwise it fills its container."""
    left, top, right, bottom = extent(plan)
    x0, y0 = min(left, 0.0) - 0.5, min(top, 0.0) - 0.5
    width = right - x0 + MARGIN + 0.5
    height = bottom - y0 + MARGIN + 0.5
    size = ""
    if paper_scale:
        millimetres = 1000 / paper_scale
        size = f' width="{_f(width * millimetres)}mm" height="{_f(height * millimetres)}mm"'
    extra = "".join(f' {k}="{escape(str(v))}"' for k, v in (attrs or {}).items())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_f(x0)} {_f(y0)} {_f(width)} '
        f'{_f(height)}"{size} font-family="Noto Sans SC, sans-serif"{extra}>',
        *_markers(),
        *_rooms(plan, english),
        *_openings(plan),
        *_equipment(plan, english),
        *_marks(plan),
        *_north_and_scale(plan, right, bottom, paper_scale),
        *_pins(pins),
        "</svg>",
    ]
    return "".join(parts)
