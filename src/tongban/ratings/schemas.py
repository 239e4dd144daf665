"""The 好差评 API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class RatingIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    indicators: dict[str, int] = Field(default_factory=dict, description="分项评价（1–5）")
    reason: str = Field("", max_length=500)


class FollowUpIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)


class RatingOut(Schema):
    id: int
    kind: str
    channel: str
    level: int
    level_label: str
    indicators: dict[str, int]
    reason: str
    rated_at: dt.datetime
    follow_up: str
    current: bool
    excluded: bool
    task_state: str | None = None


class CallbackIn(Schema):
    reached: bool
    note: str = Field(..., min_length=1, max_length=1000)


class VerifyIn(Schema):
    valid: bool
    reason: str = Field(..., min_length=1, max_length=1000)


class FixIn(Schema):
    immediate: bool
    plan: str = Field(..., min_length=1, max_length=1000)
    evidence: str = Field("", max_length=1000)
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1)
    due: dt.date | None = None


class EvidenceIn(Schema):
    evidence: str = Field(..., min_length=1, max_length=1000)


class AppealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class AppealDecideIn(Schema):
    upheld: bool
    note: str = Field(..., min_length=1, max_length=1000)


class TaskOut(Schema):
    id: int
    rating_id: int
    state: str
    state_label: str
    department: str | None
    level: int
    warning: str
    opened_on: dt.date
    due: dt.date | None
    finding: str
    fix: str


class AppealOut(Schema):
    id: int
    rating_id: int
    state: str
    department: str


class FigureOut(Schema):
    key: str
    label: str
    count: int
    good_rate: float | None
    average: float | None
    levels: dict[str, int]
    bad: int
    named_bad: int
    callback_rate: float | None
    callback_on_time_rate: float | None
    valid: int
    rectification_rate: float | None
    handled: int
    on_time_rate: float | None


class FiguresOut(Schema):
    definitions: str
    by: str
    city: FigureOut
    rows: list[FigureOut]
