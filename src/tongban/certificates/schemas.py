from __future__ import annotations

import datetime as dt

from ninja import Schema


class FactsOut(Schema):
    type: str
    number: str
    holder: str
    holder_key: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date | None
    seal: str


class VerificationOut(Schema):
    status: str
    message: str
    signed_by: str = ""
    signed_at: dt.datetime | None = None
    certificate: FactsOut | None = None


class CertificateOut(Schema):
    number: str
    type: str
    type_name: str
    holder: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date | None
    status: str
    case: str | None
    verify_token: str


class CertificateRevokeIn(Schema):
    reason: str
