"""The form definition as a web form: the rows a template renders, and the posted values read
back. The same definition validates (schema.clean_data) and prints (pdf.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from tongban.forms.schema import Field, FormSchema, is_visible
from tongban.forms.values import display_value

INPUT_TYPES = {
    "text": "text",
    "address": "text",
    "number": "text",
    "date": "date",
    "id_number": "text",
    "credit_code": "text",
    "phone": "tel",
    "region": "text",
}
INPUT_MODES = {"number": "decimal", "phone": "tel", "region": "numeric", "id_number": "text"}
MAX_LENGTHS = {"id_number": 18, "credit_code": 18, "region": 6, "phone": 20}


@dataclasses.dataclass
class FieldRow:
    field: Field
    value: Any
    errors: list[str]
    source_label: str = ""
    locked: bool = False
    depends: str = ""  # "key=v1|v2" for a field shown only for some values of another field
    table_rows: list[list[tuple[Field, str, list[str]]]] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        return f"f_{self.field.key}"

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.field.type, "text")

    @property
    def input_mode(self) -> str:
        return INPUT_MODES.get(self.field.type, "")

    @property
    def max_length(self) -> int:
        return MAX_LENGTHS.get(self.field.type, self.field.max_length)

    @property
    def display(self) -> str:
        return display_value(self.field, self.value)

    @property
    def table_values(self) -> list[list[str]]:
        """A table's rows as they read, its columns in order (for a read-only view)."""
        rows = [r for r in (self.value or []) if isinstance(r, Mapping)]
        return [[display_value(c, r.get(c.key, "")) for c in self.field.columns] for r in rows]


def form_rows(
    schema: FormSchema,
    data: Mapping[str, Any],
    situations: Mapping[str, str],
    *,
    errors: Mapping[str, list[str]] | None = None,
    sources: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[tuple[str, list[FieldRow]]]:
    """Sections with their visible rows. Fields that depend on a situation the person did not
    choose are left out; fields that depend on another field are rendered with `depends`, and
    shown or hidden as that field changes (the server drops hidden values anyway)."""
    errors = errors or {}
    sources = sources or {}
    out = []
    for title, fields in schema.sections:
        rows = []
        for f in fields:
            cond = f.visible_when or {}
            if "situation" in cond and not is_visible(f, data, situations):
                continue
            source = sources.get(f.key) or {}
            row = FieldRow(
                field=f,
                value=data.get(f.key, ""),
                errors=list(errors.get(f"form.{f.key}", [])),
                # Stored as the source's Chinese label, which is its message id.
                source_label=gettext(str(source["label"])) if source.get("label") else "",
                locked=bool(source) and not source.get("editable", True),
                depends=f"{cond['field']}={'|'.join(map(str, cond['in']))}"
                if "field" in cond
                else "",
            )
            if f.type == "table":
                existing = [r for r in (row.value or []) if isinstance(r, Mapping)]
                count = max(len(existing) + 1, f.min_rows, 2)
                for i in range(min(count, f.max_rows)):
                    cells = existing[i] if i < len(existing) else {}
                    row.table_rows.append(
                        [
                            (
                                c,
                                str(cells.get(c.key, "")),
                                errors.get(f"form.{f.key}.{i}.{c.key}", []),
                            )
                            for c in f.columns
                        ]
                    )
            rows.append(row)
        if rows:
            out.append((title, rows))
    return out


def data_from_post(schema: FormSchema, post: QueryDict) -> dict[str, Any]:
    """What the person typed: `f_<key>`, and for a table `f_<key>__<row>__<column>`."""
    data: dict[str, Any] = {}
    for f in schema.fields:
        if f.type == "file":
            continue
        if f.type == "table":
            rows = []
            for i in range(f.max_rows):
                cells = {c.key: post.get(f"f_{f.key}__{i}__{c.key}", "").strip() for c in f.columns}
                if any(cells.values()):
                    rows.append(cells)
            data[f.key] = rows
            continue
        value = post.get(f"f_{f.key}")
        if value is not None:
            data[f.key] = value.strip()
    return data
