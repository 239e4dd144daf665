from __future__ import annotations

import datetime as dt

from ninja import Schema


class MessageOut(Schema):
    id: int
    subject: str
    body: str
    ref: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MessagePageOut(Schema):
    unread: int
    count: int
    items: list[MessageOut]


class UnreadOut(Schema):
    unread: int
