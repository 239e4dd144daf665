from __future__ import annotations

from typing import Any

from ninja import Schema


class FormFieldOut(Schema):
    key: str
    label: str
    type: str
    type_label: str
    required: bool
    help: str
    choices: list[list[str]]
    unit: str
    prefill: list[str]
    editable_when_prefilled: bool
    visible_when: dict[str, Any] | None
    columns: list[dict[str, Any]]
    material: str


class SectionOut(Schema):
    title: str
    fields: list[FormFieldOut]


class FormOut(Schema):
    item: str
    item_name: str
    version: int
    title: str
    sections: list[SectionOut]


class FormDataIn(Schema):
    situations: dict[str, str] = {}
    data: dict[str, Any] = {}


class ValidationOut(Schema):
    valid: bool
    cleaned: dict[str, Any]
    errors: dict[str, list[str]]


class ReadFieldOut(Schema):
    label: str
    value: str
    confidence: float
    problem: str
    note: str


class ReadingOut(Schema):
    kind: str
    kind_label: str
    source: str
    valid: bool
    problems: list[str]
    fields: dict[str, ReadFieldOut]


class ChipIn(Schema):
    """What a certified second-generation ID card reader delivered (the kiosk's local agent)."""

    name: str = ""
    sex: str = ""
    nation: str = ""
    birth: str = ""
    address: str = ""
    id_number: str = ""
    issuer: str = ""
    valid_from: str = ""
    valid_until: str = ""


class FilledFormOut(Schema):
    reference: str
    item: str
    item_name: str
    situations: dict[str, str]
    data: dict[str, Any]
    sources: dict[str, Any]
    created_at: str
