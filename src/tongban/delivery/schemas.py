"""The delivery API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from tongban.core.api_types import ObjectId


class ModeOptionOut(Schema):
    mode: str
    label: str
    cost: str
    time: str
    visit: bool


class TrackingOut(Schema):
    at: dt.datetime
    state: str
    text: str


class DeliveryOut(Schema):
    case_id: int
    mode: str | None
    mode_label: str
    where: str
    where_label: str
    where_note: str
    bank: str | None = None
    compartment: str | None = None
    code_expires_at: dt.datetime | None = None
    waybill: str | None = None
    shipment_state: str | None = None
    tracking: list[TrackingOut] = []
    options: list[ModeOptionOut]
    may_change: bool


class DeliveryIn(Schema):
    mode: str = Field(..., max_length=12, description="window, locker, mail, door 或 electronic")
    bank: str = Field("", max_length=40, description="信包箱编码（信包箱自取时）")
    recipient_name: str = Field("", max_length=50)
    recipient_phone: str = Field("", max_length=20)
    region_code: str = Field("", max_length=6, description="GB/T 2260 区县代码，须在本市")
    address: str = Field("", max_length=200)
    door_reason: str = Field("", max_length=20, description="送证上门适用情形")


class ReserveIn(Schema):
    bank: str = Field("", max_length=40, description="信包箱编码；空则用申请人所选")
    idempotency_key: str | None = Field(None, max_length=100)


class ParcelOut(Schema):
    receipt: str
    bank: str
    compartment: str
    state: str


class ShipmentOut(Schema):
    courier: str
    waybill: str
    state: str


class BankOut(Schema):
    code: str
    name: str
    place: str
    free: int


class CredentialIn(Schema):
    holder: ObjectId
    kind: str = Field(..., max_length=10, description="staff 或 courier")
    banks: list[str] = Field([], max_length=50, description="可用信包箱编码；空为全部")


class CredentialOut(Schema):
    id: int
    number: str
    kind: str
    holder: int
    revoked: bool
    pin: str | None = Field(None, description="仅在签发时返回一次")


class WebhookOut(Schema):
    applied: int
    duplicates: int
    unknown: int


class ModeFigureOut(Schema):
    mode: str
    label: str
    results: int


class DeliveryFiguresOut(Schema):
    cases_with_results: int
    visits: int
    visits_per_case: float | None
    by_mode: list[ModeFigureOut]
