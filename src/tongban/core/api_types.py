"""Types the API's schemas share, declared in OpenAPI exactly as they are sent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

# A wall-clock time in the city (a hall's opening hours, a slot): "08:30". Not an instant, so
# it carries no offset, and is declared as the string it is rather than RFC 3339 `time`.
LocalTime = Annotated[
    dt.time,
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "当地时间（时:分） / local wall-clock time, HH:MM",
            "examples": ["08:30"],
        }
    ),
]

# The largest key a database column holds (BIGINT). A larger number is refused as input, not
# sent to the database to overflow there.
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9

ObjectId = Annotated[int, Field(ge=1, le=MAX_ID, description="对象编号 / object id (1 … 2^63−1)")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数 / rows to skip")]


class RefusalOut(Schema):
    """Every refusal the API answers: one Chinese line, and per field when fields are at fault."""

    detail: str
    errors: dict[str, list[str]] | None = None
