"""The projects API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ProjectIn(Schema):
    mandate_id: int
    name: str = Field(..., min_length=1, max_length=120)
    code: str = Field(..., max_length=24, description="投资项目统一代码")
    choices: dict[str, str] = Field(default_factory=dict, description="立项方式、环评类别")
    idempotency_key: str = Field(..., min_length=1, max_length=48)


class StageOut(Schema):
    key: str
    item: str
    department: str
    case_id: int
    state: str
    state_label: str
    started: dt.date | None
    finished: dt.date | None
    days: int | None
    promised: float
    waiting_on: str


class ProjectOut(Schema):
    id: int
    name: str
    code: str
    enterprise: str
    state: str
    state_label: str
    goal_days: int
    days: int | None
    bottleneck: str | None
    stages: list[StageOut]


class ProjectWorkloadOut(Schema):
    agent: str
    open: int
    total: int


class ProjectFiguresOut(Schema):
    done: int
    on_time: int
    on_time_rate: float | None
    median_days: float | None
    open: int
    workload: list[ProjectWorkloadOut]
