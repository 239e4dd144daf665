"""The one masking policy for what people write into forms. A field typed as an ID number, a
phone or an address is personal information: anyone but the person it belongs to sees it
masked, unless their role lets them reveal it, and a reveal is an audited action
(`cases.services.personal`). Values under keys the definition does not know (an older
version's field, an import) are masked when they read as an ID number or a mobile number."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tongban.core.masking import mask_address, mask_id_number, mask_phone
from tongban.forms.schema import Field, FormSchema

PERSONAL_TYPES: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "address": mask_address,
}
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
_PHONE = re.compile(r"^(\+?86[- ]?)?1\d{10}$|^0\d{2,3}-?\d{7,8}$")


def personal_keys(schema: FormSchema) -> set[str]:
    """Keys of the definition's personal fields, a table's columns as `table.column`."""
    keys = set()
    for f in schema.fields:
        if f.type in PERSONAL_TYPES:
            keys.add(f.key)
        keys |= {f"{f.key}.{c.key}" for c in f.columns if c.type in PERSONAL_TYPES}
    return keys


def _mask_unknown(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if _ID_NUMBER.match(text):
            return mask_id_number(text)
        if _PHONE.match(text):
            return mask_phone(text)
        return value
    if isinstance(value, list):
        return [_mask_unknown(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_unknown(v) for k, v in value.items()}
    return value


def _mask_field(f: Field, value: Any) -> Any:
    if f.type in PERSONAL_TYPES:
        return PERSONAL_TYPES[f.type](str(value)) if value not in (None, "") else value
    if f.columns and isinstance(value, list):
        columns = {c.key: c for c in f.columns}
        return [
            {
                k: (_mask_field(columns[k], v) if k in columns else _mask_unknown(v))
                for k, v in row.items()
            }
            if isinstance(row, dict)
            else _mask_unknown(row)
            for row in value
        ]
    return value


def form_data_masked(schema: FormSchema, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with every personal value masked: by the definition's field types, and by how
    the value reads for keys the definition does not have."""
    fields = {f.key: f for f in schema.fields}
    return {
        key: _mask_field(fields[key], value) if key in fields else _mask_unknown(value)
        for key, value in (data or {}).items()
    }
