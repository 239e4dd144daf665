"""One merged form for a bundle: a field several items ask (by key) is asked once and mapped
back to each item; the same key with a different meaning (another type or choices) is a fault
of the definitions, named."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from tongban.catalog.models import ServiceItem
from tongban.forms.schema import Field, FormSchema, SchemaError
from tongban.forms.services import item_form


@dataclasses.dataclass(frozen=True)
class MergedForm:
    schema: FormSchema
    used_by: dict[str, tuple[str, ...]]  # field key → the bundle keys whose forms ask it

    def split(self, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The merged answers as each item's own form data."""
        out: dict[str, dict[str, Any]] = {}
        for key, value in data.items():
            for bundle_key in self.used_by.get(key, ()):
                out.setdefault(bundle_key, {})[key] = value
        return out


def _same(a: Field, b: Field) -> bool:
    return a.type == b.type and a.choices == b.choices and a.columns == b.columns


def merge_forms(items: Sequence[tuple[str, ServiceItem]], title: str) -> MergedForm:
    """Sections in item order; a field already asked by an earlier item is not asked again
    (required if any item requires it)."""
    problems: list[str] = []
    fields: dict[str, Field] = {}
    first_item: dict[str, str] = {}
    used_by: dict[str, list[str]] = {}
    sections: dict[str, list[str]] = {}
    for bundle_key, item in items:
        for section, section_fields in item_form(item).sections:
            for f in section_fields:
                used_by.setdefault(f.key, []).append(bundle_key)
                seen = fields.get(f.key)
                if seen is None:
                    fields[f.key] = f
                    first_item[f.key] = item.name
                    sections.setdefault(section, []).append(f.key)
                elif not _same(seen, f):
                    problems.append(
                        f"字段“{f.key}”在“{first_item[f.key]}”与“{item.name}”中含义不同"
                        f"（{seen.type_label} / {f.type_label}），请统一"
                    )
                elif f.required and not seen.required:
                    fields[f.key] = dataclasses.replace(seen, required=True)
    if problems:
        raise SchemaError(problems)
    schema = FormSchema(
        title=title,
        sections=tuple((name, tuple(fields[k] for k in keys)) for name, keys in sections.items()),
    )
    return MergedForm(schema=schema, used_by={k: tuple(v) for k, v in used_by.items()})
