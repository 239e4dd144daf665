"""JSON shapes of the cases API."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from tongban.core.api_types import ObjectId


class CaseCreateIn(Schema):
    item_code: str = Field(max_length=80)
    idempotency_key: str = Field(min_length=1, max_length=64)
    channel: str = "online"
    applicant_id_number: str | None = Field(default=None, max_length=18)
    enterprise_uscc: str | None = Field(default=None, max_length=18)
    form_data: dict[str, object] = {}
    situations: dict[str, str] = {}


class ReasonIn(Schema):
    reason: str = Field(default="", max_length=1000)


class CorrectionIn(Schema):
    problems: dict[ObjectId, str]


class SuspendIn(Schema):
    kind: str
    reason: str = Field(max_length=300)


class ExtendIn(Schema):
    working_days: int = Field(ge=1, le=250)
    reason: str = Field(max_length=300)


class DecideIn(Schema):
    decision: str
    reason: str = Field(default="", max_length=2000)


class DeliverIn(Schema):
    mode: str
    in_person: bool = False


class AcceptIn(Schema):
    in_person: bool = False


class DelegationIn(Schema):
    agent_username: str
    valid_until: dt.datetime
    item_codes: list[str] = []


class DelegationOut(Schema):
    id: int
    applicant: str
    agent: str
    item_codes: list[str]
    valid_until: dt.datetime
    active: bool


class ClockOut(Schema):
    started: bool
    used: int
    left: int
    suspended: int
    extended: int
    running: bool
    warning: str
    calendar_missing_year: int | None = None
    provisional_from: int | None = None


class CaseMaterialOut(Schema):
    material_id: int
    name: str
    status: str
    status_label: str
    file_name: str
    correction_note: str
    provenance: str = ""
    resolution_note: str = ""
    data: dict[str, Any] | None = None


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    to_state: str
    note: str
    actor: str | None


class CaseOut(Schema):
    id: int
    number: str | None
    item_code: str
    item_name: str
    department: str
    state: str
    state_label: str
    channel: str
    applicant: str
    submitted_at: dt.datetime | None
    accepted_on: dt.date | None
    legal_due: dt.date | None
    promised_due: dt.date | None
    # counted on a year whose holiday notice is not entered yet; re-counted once it is
    dues_provisional_from: int | None = None
    warning: str
    decision: str
    visits: int


class CaseDetailOut(CaseOut):
    situations: dict[str, str]
    form_data: dict[str, object]
    # True when the form's ID numbers, phones and addresses are masked for this reader
    form_masked: bool = False
    materials: list[CaseMaterialOut]
    events: list[EventOut]
    clock: ClockOut
    decision_reason: str
    closing_reason: str
    next_step: str


class RevealIn(Schema):
    reason: str = Field(min_length=2, max_length=300, description="查看事由 / why")


class ApplicantPersonalOut(Schema):
    id_number: str
    phone: str


class CaseRevealedOut(CaseDetailOut):
    applicant_personal: ApplicantPersonalOut


class CasePageOut(Schema):
    count: int
    items: list[CaseOut]


class WorklistFilter(Schema):
    """The work list's filters, as its page's query string carries them."""

    state: str = ""
    item: str = ""
    warning: str = ""
    due_before: dt.date | None = None
