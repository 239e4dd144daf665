"""The field API's shapes. Every write from a phone carries `client_id`, a UUID the phone
made: sent again, it changes nothing and answers as the first send did."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema


class EntryIn(Schema):
    client_id: uuid.UUID
    inspection_id: int
    code: str = Field(..., max_length=40)
    verdict: Literal["pass", "rectify", "fail", "na"]
    note: str = Field("", max_length=500)


class SignatureIn(Schema):
    client_id: uuid.UUID
    role: Literal["inspector", "applicant"]
    name: str = Field("", max_length=50, description="申请人签名时填写姓名")
    image: str = Field(..., max_length=800_000, description="data:image/png;base64,…")


class ConcludeIn(Schema):
    client_id: uuid.UUID
    inspection_id: int
    result: Literal["pass", "rectify", "fail"]
    note: str = Field("", max_length=500)
    rectify_days: int | None = Field(None, ge=1, le=60)


class CertifyIn(Schema):
    client_id: uuid.UUID
    inspection_id: int


class SlotIn(Schema):
    starts_at: dt.datetime


class AssignIn(Schema):
    inspector_ids: list[int] = Field(..., min_length=1, max_length=10)


class WrittenOut(Schema):
    kind: str
    id: str
    replayed: bool = Field(..., description="true：此前已收到同一写入，本次未作改动")


class EntryOut(Schema):
    code: str
    verdict: str
    note: str


class CheckOut(Schema):
    code: str
    text: str
    basis_text: str
    options: list[str]


class InspectionOut(Schema):
    id: int
    previsit: bool
    case_number: str | None
    item: str
    department: str
    round: int
    state: str
    state_label: str
    due: dt.date
    warning: str
    rectify_due: dt.date | None
    result_note: str
    checklist: list[CheckOut]
    entries: list[EntryOut]


class VisitOut(Schema):
    id: int
    state: str
    state_label: str
    address: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    inspectors: list[str]
    inspections: list[InspectionOut]
    signatures: list[str]
    photos: int


class CommitmentOut(Schema):
    case_id: int
    case_number: str | None
    state: str
    state_label: str
    signed_at: dt.datetime
    text_sha256: str
    conditions: list[dict[str, str]]
    waived: list[str]
    post_check_due: dt.date | None
    revoked_reason: str


class RevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class FieldFiguresOut(Schema):
    eligible_cases: int
    on_commitment: int
    commitment_share: float | None
    post_checks_due: int
    post_checks_on_time: int
    post_check_on_time_rate: float | None
    mismatches: int
    revoked: int
    inspections_due: int
    inspections_on_time: int
    inspection_on_time_rate: float | None
