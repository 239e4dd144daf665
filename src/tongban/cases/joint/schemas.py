"""What the joint-review forms post, read into schemas (refused naming the field)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Schema
from pydantic import Field, field_validator

from tongban.core.api_types import ObjectId


class ConveneIn(Schema):
    case: list[ObjectId] = []
    department: list[ObjectId] = []
    meeting_at: dt.datetime
    place: str = Field(default="", max_length=200)
    online: bool = False

    @field_validator("meeting_at")
    @classmethod
    def _local(cls, value: dt.datetime) -> dt.datetime:
        """A time typed on the page is the city's local time."""
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class OpinionIn(Schema):
    opinion: str = ""
    conditions: str = Field(default="", max_length=2000)
    legal_basis: str = Field(default="", max_length=1000)


class JointDecideIn(Schema):
    decision: str = ""
    reason: str = Field(default="", max_length=2000)
