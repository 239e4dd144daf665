"""Hall API schemas."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from tongban.core.api_types import LocalTime, ObjectId


class CategoryOut(Schema):
    id: int
    letter: str
    name: str
    description: str
    waiting: int
    windows_open: int
    wait_minutes: int
    appointments: bool


class HallOut(Schema):
    code: str
    name: str
    address: str
    hours: str
    open_now: bool
    categories: list[CategoryOut]


class TicketIn(Schema):
    category: ObjectId
    priority: str = ""
    idempotency_key: str | None = None


class TicketOut(Schema):
    id: int
    number: str
    hall: str
    category: str
    status: str
    status_label: str
    priority: str
    issued_at: dt.datetime
    ahead: int | None
    wait_minutes: int | None
    window: str | None
    follow_url: str
    token: str


class SignInIn(Schema):
    window: ObjectId


class TransferIn(Schema):
    category: ObjectId | None = None
    window: ObjectId | None = None


class CaseRefIn(Schema):
    case: str


class ConsoleOut(Schema):
    window: str | None
    hall: str | None
    current: TicketOut | None
    queues: list[CategoryOut]


class CallOut(Schema):
    id: int
    number: str
    window: str
    text: str
    kind: str
    at: dt.datetime


class SlotOut(Schema):
    id: int
    category: str
    day: dt.date
    starts_at: LocalTime
    ends_at: LocalTime
    left: int


class BookIn(Schema):
    slot: ObjectId
    idempotency_key: str | None = None


class AppointmentOut(Schema):
    id: int
    hall: str
    category: str
    day: dt.date
    starts_at: LocalTime
    ends_at: LocalTime
    code: str
    status: str
    status_label: str
    ticket: str | None


class CheckInIn(Schema):
    code: str


class LinkOut(Schema):
    ticket: str
    case_id: int
    case_number: str | None
    visits: int
