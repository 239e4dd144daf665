"""The floor plan's data: a documented, versioned JSON format (`tongban-floorplan`, version 1).

Lengths are metres on a grid of `GRID` (10 cm); x grows to the right (east when the north arrow
points up) and y downwards, as on the screen. Rooms are rectangles; their edges are the walls.
Doors, windows and pass-through windows lie on a wall: a horizontal (`h`) or vertical (`v`)
segment from (x, y) of length `length`. Equipment is a rectangle inside a room, turned by a
multiple of 90°. Marks are polylines: the three flows (raw materials in, finished food out,
used tableware back) and the ventilation and drainage directions, drawn from start to end.

The JSON schema (`plan_json_schema`) is published at `/api/floorplans/format`. A plan of another
version, or one that breaks the format, is refused with each fault named; what the editor
merely prevents (overlaps, doors to nowhere) is for the checker, which points at the place."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as FormatError

FORMAT = "tongban-floorplan"
VERSION = 1
GRID = 0.1  # metres: every coordinate and size is a multiple of this
EXTENT = 300.0  # metres: no plan is larger
MAX_ROOMS = 200
MAX_OPENINGS = 600
MAX_EQUIPMENT = 2000
MAX_MARKS = 60
MAX_POINTS = 200
MAX_POINTS_TOTAL = 600  # every route's points together: the checker's work grows with them

# 2018 《餐饮服务食品安全操作规范》 2.x: the zones, and how clean each is (3 清洁操作区,
# 2 准清洁操作区, 1 一般操作区; the dining and auxiliary areas are outside the handling area).
ZONES: dict[str, tuple[str, str, int | None]] = {
    "special_room": ("专间", "Dedicated room", 3),
    "dedicated_area": ("专用操作区", "Dedicated operating area", 3),
    "pre_entry": ("预进间", "Pre-entry room", 3),
    "cooking": ("烹饪区", "Cooking area", 2),
    "tableware_storage": ("餐用具保洁区", "Clean tableware storage", 2),
    "rough_processing": ("粗加工区", "Rough processing", 1),
    "cutting": ("切配区", "Cutting and preparation", 1),
    "washing": ("餐用具清洗消毒区", "Tableware washing and disinfection", 1),
    "storage": ("库房", "Food store", 1),
    "dining": ("就餐区", "Dining area", None),
    "auxiliary": ("辅助区", "Auxiliary area", None),
}
HANDLING = frozenset(z for z, (_, _, level) in ZONES.items() if level is not None)

OPENINGS: dict[str, tuple[str, str]] = {
    "door": ("门", "Door"),
    "window": ("窗", "Window"),
    "pass_window": ("传递窗", "Pass-through window"),
}

EQUIPMENT: dict[str, tuple[str, str]] = {
    "sink": ("清洗水池", "Sink"),
    "cooker": ("灶台", "Cooker"),
    "refrigerator": ("冷藏冷冻柜", "Refrigerator"),
    "disinfection_cabinet": ("消毒柜", "Disinfection cabinet"),
    "hand_wash": ("洗手池", "Hand-wash basin"),
    "shelf": ("货架", "Shelf"),
    "exhaust_hood": ("排烟罩", "Exhaust hood"),
    "pest_control": ("三防设施", "Pest control (flies, rats, insects)"),
    "workbench": ("操作台", "Workbench"),
    "air_conditioner": ("独立空调", "Independent air conditioner"),
    "uv_lamp": ("空气消毒设施", "Air disinfection lamp"),
    "tableware_cabinet": ("保洁柜", "Clean tableware cabinet"),
    "floor_drain": ("地漏", "Floor drain"),
    "open_drain": ("明沟", "Open drain"),
    "table": ("餐桌", "Dining table"),
}

MARKS: dict[str, tuple[str, str]] = {
    "raw": ("原料入口流线", "Raw materials in"),
    "finished": ("成品出口流线", "Finished food out"),
    "tableware": ("餐用具回收流线", "Used tableware back"),
    "ventilation": ("通风方向", "Ventilation direction"),
    "drainage": ("排水方向", "Drainage direction"),
}

# 《食品经营许可审查通则》: the food types a catering licence records.
BUSINESS: dict[str, tuple[str, str]] = {
    "hot_food": ("热食类食品制售", "Hot food"),
    "cold_food": ("冷食类食品制售", "Cold food"),
    "raw_food": ("生食类食品制售", "Raw food (e.g. sashimi)"),
    "pastry": ("糕点类食品制售", "Pastry"),
    "decorated_cake": ("裱花蛋糕", "Decorated cakes"),
    "drinks": ("自制饮品制售", "Freshly made drinks"),
}

Id = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_-]+$")]
Metres = Annotated[float, Field(ge=0, le=EXTENT, allow_inf_nan=False)]
Size = Annotated[float, Field(gt=0, le=EXTENT, allow_inf_nan=False)]
Point = Annotated[list[Metres], Field(min_length=2, max_length=2)]


def on_grid(value: float) -> bool:
    return math.isclose(value / GRID, round(value / GRID), abs_tol=1e-6)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Room(_Part):
    id: Id
    name: str = Field(default="", max_length=40)
    zone: Literal[tuple(ZONES)]  # type: ignore[valid-type]
    x: Metres
    y: Metres
    w: Size
    h: Size

    @field_validator("x", "y", "w", "h")
    @classmethod
    def _grid(cls, value: float) -> float:
        if not on_grid(value):
            raise ValueError("off_grid")
        return round(value, 2)

    @property
    def area(self) -> float:
        return round(self.w * self.h, 2)


class Opening(_Part):
    id: Id
    kind: Literal[tuple(OPENINGS)]  # type: ignore[valid-type]
    x: Metres
    y: Metres
    length: Size = Field(le=10)
    dir: Literal["h", "v"]
    self_closing: bool = False

    @field_validator("x", "y", "length")
    @classmethod
    def _grid(cls, value: float) -> float:
        if not on_grid(value):
            raise ValueError("off_grid")
        return round(value, 2)


class Equipment(_Part):
    id: Id
    kind: Literal[tuple(EQUIPMENT)]  # type: ignore[valid-type]
    x: Metres
    y: Metres
    w: Size = Field(le=20)
    h: Size = Field(le=20)
    rot: Literal[0, 90, 180, 270] = 0
    label: str = Field(default="", max_length=40)
    # 洗手池: a tap not worked by hand (感应、脚踏、肘动)
    non_manual: bool = False
    # 独立空调: the highest room temperature it keeps, °C
    temperature_max: float | None = Field(default=None, ge=-30, le=60, allow_inf_nan=False)
    # 地漏: with a water seal (水封)
    sealed: bool = False

    @property
    def footprint(self) -> tuple[float, float]:
        return (self.h, self.w) if self.rot in (90, 270) else (self.w, self.h)


class Mark(_Part):
    id: Id
    kind: Literal[tuple(MARKS)]  # type: ignore[valid-type]
    points: list[Point] = Field(min_length=2, max_length=MAX_POINTS)


class Plan(_Part):
    """One floor plan. `north`: the north arrow's angle in degrees clockwise from up (absent:
    no north arrow drawn). `scale`: the drawing's scale denominator (100 for 1:100)."""

    format: Literal["tongban-floorplan"]
    version: int
    title: str = Field(default="", max_length=60)
    jurisdiction: str = Field(default="national", max_length=30, pattern=r"^[a-z0-9_-]+$")
    business: list[Literal[tuple(BUSINESS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(BUSINESS)
    )
    time_separation: bool = False
    north: float | None = Field(default=None, ge=0, lt=360, allow_inf_nan=False)
    scale: int | None = Field(default=None, ge=20, le=1000)
    rooms: list[Room] = Field(default_factory=list, max_length=MAX_ROOMS)
    openings: list[Opening] = Field(default_factory=list, max_length=MAX_OPENINGS)
    equipment: list[Equipment] = Field(default_factory=list, max_length=MAX_EQUIPMENT)
    marks: list[Mark] = Field(default_factory=list, max_length=MAX_MARKS)

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != VERSION:
            raise ValueError("version")
        return value

    @model_validator(mode="after")
    def _ids(self) -> Plan:
        seen: set[str] = set()
        parts: list[Room | Opening | Equipment | Mark] = [
            *self.rooms,
            *self.openings,
            *self.equipment,
            *self.marks,
        ]
        for part in parts:
            if part.id in seen:
                raise ValueError(f"duplicate:{part.id}")
            seen.add(part.id)
        for room in self.rooms:
            if room.x + room.w > EXTENT or room.y + room.h > EXTENT:
                raise ValueError(f"extent:{room.id}")
        if sum(len(mark.points) for mark in self.marks) > MAX_POINTS_TOTAL:
            raise ValueError("points")
        return self


# What each fault of the format says, in Chinese first (the field is named before it).
_MESSAGES = {
    "missing": ("必填", "is required"),
    "extra_forbidden": ("不是本格式的字段", "is not a field of this format"),
    "literal_error": ("取值无效", "has an invalid value"),
    "greater_than": ("须大于0", "must be greater than 0"),
    "greater_than_equal": ("超出允许范围", "is out of range"),
    "less_than_equal": ("超出允许范围", "is out of range"),
    "less_than": ("超出允许范围", "is out of range"),
    "too_long": ("数量超过上限", "has too many entries"),
    "too_short": ("数量不足", "has too few entries"),
    "string_too_long": ("过长", "is too long"),
    "string_too_short": ("不能为空", "must not be empty"),
    "string_pattern_mismatch": ("只能包含字母、数字、下划线和连字符", "has invalid characters"),
    "finite_number": ("须为有限数值", "must be a finite number"),
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    text = str(error.get("msg", ""))
    if "off_grid" in text:
        return f"须落在{GRID:g}米网格上"
    if "version" in text and kind == "value_error":
        return f"格式版本须为{VERSION}，本平台不接受其他版本的平面图"
    if "duplicate:" in text:
        return "编号“{}”重复".format(text.split("duplicate:", 1)[1])
    if "points" in text and kind == "value_error":
        return f"流线和方向标记的点合计不得超过{MAX_POINTS_TOTAL}个"
    if "extent:" in text:
        return "房间“{}”超出{:g}米的图幅".format(text.split("extent:", 1)[1], EXTENT)
    if kind in _MESSAGES:
        return _MESSAGES[kind][0]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "类型不正确"
    return "无效"


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    name = "plan." + ".".join(parts) if parts else "plan"
    indexes = [str(p) for p in loc if isinstance(p, int)]
    return name + ("[" + "][".join(indexes) + "]" if indexes else "")


def plan_parse(data: Any) -> Plan:
    """The plan in `data`, or a ValidationError naming each faulty field in Chinese."""
    if not isinstance(data, dict):
        raise ValidationError({"plan": ["平面图须为JSON对象"]})
    if data.get("format") != FORMAT:
        raise ValidationError({"plan.format": [f"不是平面图数据（format须为“{FORMAT}”）"]})
    if data.get("version") != VERSION:
        raise ValidationError(
            {"plan.version": [f"格式版本须为{VERSION}，本平台不接受其他版本的平面图"]}
        )
    try:
        return Plan.model_validate(data)
    except FormatError as error:
        errors: dict[str, list[str]] = {}
        for fault in error.errors()[:20]:
            errors.setdefault(_field(tuple(fault["loc"])), []).append(_message(fault))
        raise ValidationError(errors) from None


def plan_json_schema() -> dict[str, Any]:
    return Plan.model_json_schema()


def label(table: Mapping[str, tuple[Any, ...]], code: str, english: bool = False) -> str:
    names = table.get(code)
    return code if names is None else str(names[1 if english else 0])
