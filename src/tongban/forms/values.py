"""Form values: each field type's cleaning (normalised value or a Chinese message), a whole
submission checked against a definition (errors keyed `form.<key>`), and how a value reads on
a page or the printed form."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from tongban.core.ids import (
    normalize_id_number,
    normalize_uscc,
    region_name,
    validate_id_number,
    validate_phone,
    validate_region_code,
    validate_uscc,
)
from tongban.core.text import clean_text
from tongban.forms.schema import Field, FormSchema, is_visible


def _text(f: Field, v: Any) -> str:
    value = str(v).strip()
    if len(value) > f.max_length:
        raise ValidationError(f"不得超过{f.max_length}个字")
    return value


def _number(f: Field, v: Any) -> str:
    try:
        number = Decimal(str(v).strip())
    except InvalidOperation as exc:
        raise ValidationError("应为数字") from exc
    if not number.is_finite():
        raise ValidationError("应为数字")
    if f.min is not None and number < f.min:
        raise ValidationError(f"不得小于{f.min}")
    if f.max is not None and number > f.max:
        raise ValidationError(f"不得大于{f.max}")
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _date(f: Field, v: Any) -> str:
    try:
        return dt.date.fromisoformat(str(v).strip()).isoformat()
    except ValueError as exc:
        raise ValidationError("日期格式应为 YYYY-MM-DD") from exc


def _choice(f: Field, v: Any) -> str:
    value = str(v).strip()
    if value not in dict(f.choices):
        raise ValidationError(f"选项“{value}”无效")
    return value


def _id_number(f: Field, v: Any) -> str:
    value = normalize_id_number(str(v))
    validate_id_number(value)
    return value


def _credit_code(f: Field, v: Any) -> str:
    value = normalize_uscc(str(v))
    validate_uscc(value)
    return value


def _phone(f: Field, v: Any) -> str:
    value = re.sub(r"[\s-]", "", str(v))
    validate_phone(value)
    return value


def _region(f: Field, v: Any) -> str:
    value = str(v).strip()
    validate_region_code(value)
    return value


CLEANERS: dict[str, Callable[[Field, Any], str]] = {
    "text": _text,
    "textarea": _text,
    "address": _text,
    "number": _number,
    "date": _date,
    "choice": _choice,
    "id_number": _id_number,
    "credit_code": _credit_code,
    "phone": _phone,
    "region": _region,
}


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not clean_text(v)) or v == []


def _normal(f: Field, v: Any) -> Any:
    """A typed string as meant: NFKC, no control or zero-width characters (`core.text`)."""
    return clean_text(v, multiline=f.type == "textarea") if isinstance(v, str) else v


def _clean_table(
    f: Field, rows: Any, errors: dict[str, list[str]], where: str
) -> list[dict[str, str]]:
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        errors[where] = ["应为表格行的列表"]
        return []
    rows = [r for r in rows if not all(_blank(r.get(c.key)) for c in f.columns)]
    if len(rows) < max(f.min_rows, 1 if f.required else 0):
        errors[where] = [f"至少填写{max(f.min_rows, 1)}行"]
    if len(rows) > f.max_rows:
        errors[where] = [f"最多{f.max_rows}行"]
        return []
    cleaned = []
    for i, row in enumerate(rows):
        out: dict[str, str] = {}
        for col in f.columns:
            cell_where = f"{where}.{i}.{col.key}"
            if _blank(row.get(col.key)):
                if col.required:
                    errors[cell_where] = [f"第{i + 1}行：请填写{col.label}"]
                continue
            try:
                out[col.key] = CLEANERS[col.type](col, _normal(col, row[col.key]))
            except ValidationError as exc:
                errors[cell_where] = [f"第{i + 1}行{col.label}：{exc.messages[0]}"]
        cleaned.append(out)
    return cleaned


def clean_data(
    schema: FormSchema, data: Any, situations: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The submitted values cleaned and normalised, and the errors keyed `form.<key>`. Hidden
    fields are dropped (a value for a field that does not apply is not kept); unknown keys are
    refused, so nothing the definition does not know reaches the case."""
    if not isinstance(data, Mapping):
        return {}, {"form_data": ["表单数据应为对象"]}
    errors: dict[str, list[str]] = {}
    known = {f.key for f in schema.fields}
    for key in sorted(set(data) - known):
        errors[f"form.{key}"] = [f"表单中没有字段“{key}”"]
    cleaned: dict[str, Any] = {}
    for f in schema.fields:
        where = f"form.{f.key}"
        if f.type == "file" or not is_visible(f, data, situations):
            continue  # files are the case's materials, validated with them
        value = data.get(f.key)
        if _blank(value):
            if f.required:
                errors[where] = [f"请填写{f.label}"]
            continue
        if f.type == "table":
            cleaned[f.key] = _clean_table(f, value, errors, where)
            continue
        if isinstance(value, Mapping | list):
            errors[where] = [f"{f.label}应为单个值"]
            continue
        try:
            cleaned[f.key] = CLEANERS[f.type](f, _normal(f, value))
        except ValidationError as exc:
            errors[where] = [f"{f.label}：{exc.messages[0]}"]
    return cleaned, errors


def display_value(f: Field, value: Any) -> str:
    """How a cleaned value reads on a page or the printed form."""
    if value in (None, ""):
        return ""
    if f.type == "choice":
        return f.choice_label(str(value))
    if f.type == "region":
        return f"{region_name(str(value))}（{value}）"
    if f.type == "date":
        day = dt.date.fromisoformat(str(value))
        return f"{day.year}年{day.month}月{day.day}日"
    if f.type == "number" and f.unit:
        return f"{value} {f.unit}"
    return str(value)
