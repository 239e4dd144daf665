"""The floor-plan API's shapes. A plan travels as the JSON of the documented format
(`GET /api/floorplans/format`); the API takes it as an object and checks it itself, so every
fault is named in Chinese by its field (`plan.rooms[3].w`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

PLAN_DOC = "平面图数据（tongban-floorplan 第1版，格式见 /api/floorplans/format）"


class PlaceOut(Schema):
    kind: str = Field(..., description="plan、room、opening、equipment、mark 或 point")
    id: str | None = None
    x: float | None = None
    y: float | None = None


class FindingOut(Schema):
    rule: str
    severity: str = Field(..., description="binding（约束性）或 recommended（建议）")
    message: str
    message_en: str
    source: str
    source_en: str
    at: PlaceOut


class PlanCheckOut(Schema):
    jurisdiction: str
    passed: bool = Field(..., description="没有约束性问题")
    binding: int
    recommended: int
    findings: list[FindingOut]


class PlanNewIn(Schema):
    template: Literal["noodle", "cafe", "restaurant", "blank"] = Field(
        ..., description="模板：小面馆、带冷饮间的咖啡馆、带凉菜间的餐馆或空白图纸"
    )
    jurisdiction: str = Field("", max_length=30)


class PlanSaveIn(Schema):
    base_revision: int = Field(..., ge=0, le=10**6, description="编辑所基于的版本")
    plan: dict[str, Any] = Field(..., description=PLAN_DOC)


class PlanOut(Schema):
    id: int
    title: str
    jurisdiction: str
    revision: int
    passed: bool
    case_id: int | None
    attached_revision: int | None
    updated_at: dt.datetime
    plan: dict[str, Any] = Field(..., description=PLAN_DOC)
    findings: list[FindingOut]


class ClaimIn(Schema):
    code: str = Field(..., min_length=1, max_length=12, description="取图码，如 ABCD-EFGH")


class AttachIn(Schema):
    case_id: int = Field(..., ge=1, le=2**63 - 1)


class AttachOut(Schema):
    case_id: int
    material: str
    file_name: str
    sha256: str
    revision: int


class CommentIn(Schema):
    x: float = Field(..., ge=0, le=300)
    y: float = Field(..., ge=0, le=300)
    text: str = Field(..., min_length=1, max_length=300)


class CommentOut(Schema):
    id: int
    revision: int
    x: float
    y: float
    text: str
    created_at: dt.datetime


class RuleOut(Schema):
    code: str
    check: str
    severity: str
    source: str
    source_en: str
    message: str
    message_en: str
    params: dict[str, Any]


class JurisdictionOut(Schema):
    code: str
    name: str
    name_en: str
    rules: list[RuleOut]


class PlanFiguresOut(Schema):
    plans: int = Field(..., description="提交过的平面图数")
    first_passed: int = Field(..., description="首次提交即通过核验的平面图数")
    first_pass_rate: float | None = Field(..., description="首次提交通过率（0–1）")
