"""Public JSON shapes of the guide's API."""

from typing import Literal

from ninja import Schema


class GuideMatchOut(Schema):
    term: str
    field: str
    field_label: str
    via: str  # how the term came from the query: "同义词 饭馆→餐饮", "拼音 sbk→社保卡", or ""


class GuideResultOut(Schema):
    kind: Literal["item", "bundle", "event"]
    kind_label: str
    code: str
    basic_code: str | None
    name: str
    department: str | None
    score: float
    why: list[GuideMatchOut]
    why_text: str
    url: str
    follow_url: str  # the same page, through the query log's "opened" note
    item_count: int | None  # a bundle's or life event's items


class GuideSearchOut(Schema):
    query: str
    count: int
    lead: GuideResultOut | None  # the bundle that fits, if one does
    results: list[GuideResultOut]
