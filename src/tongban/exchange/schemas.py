"""Pydantic schemas of the exchange API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class ResourceFieldOut(Schema):
    code: str
    label: str
    sensitivity: str
    mask: str


class ResourceOut(Schema):
    code: str
    name: str
    kind: str
    provider: str
    sharing_class: str
    subject_kind: str
    update_frequency: str
    description: str
    fields: list[ResourceFieldOut]


class GrantIn(Schema):
    resource: str
    purpose: str
    fields: list[str]
    valid_until: dt.date
    clear_fields: list[str] = []


class GrantDecisionIn(Schema):
    approve: bool
    note: str = ""


class GrantRevokeIn(Schema):
    reason: str


class GrantOut(Schema):
    id: int
    resource: str
    resource_name: str
    provider: str
    consumer: str
    purpose: str
    fields: list[str]
    clear_fields: list[str]
    state: str
    state_label: str
    valid_until: dt.date
    decision_note: str
    requested_at: dt.datetime


class QueryIn(Schema):
    resource: str
    subject: str
    purpose: str
    fields: list[str] | None = None
    case_ref: str = ""


class QueryOut(Schema):
    result: str
    result_label: str
    resource: str
    fields: list[str]
    record: dict[str, Any]
    labels: dict[str, str]
    detail: str
    access_id: int | None


class AccessOut(Schema):
    at: dt.datetime
    who: str
    department: str | None
    resource: str | None
    provider: str | None
    purpose: str
    case: str
    fields: list[str]
    result: str
    result_label: str


class VolumeOut(Schema):
    department: str
    total: int
    denied: int
    unavailable: int
    days: dict[str, int]
    unusual: list[dict[str, Any]]
