"""Form definitions: typed fields with Chinese labels, help, validation and conditional
visibility. One definition (stored with the item version, `ServiceItem.form`) drives the web
form, the API's validation and the printed PDF.

A definition is plain JSON so it travels with the catalogue export and is copied with each new
item version:

    {"title": "食品经营许可申请书",
     "sections": [{"title": "申请人", "fields": [
        {"key": "name", "label": "姓名", "type": "text", "required": true,
         "prefill": ["id_document.name", "profile.real_name"]},
        {"key": "credit_code", "label": "统一社会信用代码", "type": "credit_code",
         "visible_when": {"situation": "entity", "in": ["company"]}},
        {"key": "staff", "label": "从业人员", "type": "table", "columns": [...]}]}]}
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Container, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TYPE_LABELS = {
    "text": "文本",
    "textarea": "多行文本",
    "number": "数字",
    "date": "日期",
    "choice": "单选",
    "id_number": "公民身份号码",
    "credit_code": "统一社会信用代码",
    "phone": "电话",
    "region": "行政区划",
    "address": "地址",
    "table": "重复表格",
    "file": "附件",
}
CELL_TYPES = set(TYPE_LABELS) - {"table", "file"}
MAX_TEXT = 500
MAX_ROWS = 50


class SchemaError(ValueError):
    """A form definition that cannot be used; `problems` name each fault in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int = MAX_TEXT
    unit: str = ""
    prefill: tuple[str, ...] = ()
    editable_when_prefilled: bool = True
    visible_when: Mapping[str, Any] | None = None
    columns: tuple[Field, ...] = ()
    min_rows: int = 0
    max_rows: int = MAX_ROWS
    material: str = ""
    section: str = ""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclasses.dataclass(frozen=True)
class FormSchema:
    title: str
    sections: tuple[tuple[str, tuple[Field, ...]], ...]
    # The application-form material (申请表/申请书) this form, filled online, stands for: it
    # is never asked as an upload; the filled form is that material.
    material: str = ""

    @property
    def fields(self) -> list[Field]:
        return [f for _, fields in self.sections for f in fields]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def empty(self) -> bool:
        return not self.fields


EMPTY = FormSchema(title="", sections=())


def _decimal(raw: Any, where: str, problems: list[str]) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        problems.append(f"{where}：min/max 应为数字")
        return None


def _field(raw: Any, where: str, problems: list[str], *, cell: bool = False) -> Field | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}：字段定义应为对象")
        return None
    key, kind = str(raw.get("key", "")), str(raw.get("type", ""))
    where = f"{where}（{key or '无键名'}）"
    if not KEY_RE.match(key):
        problems.append(f"{where}：键名应为小写字母开头的字母、数字或下划线")
    allowed = CELL_TYPES if cell else set(TYPE_LABELS)
    if kind not in allowed:
        problems.append(f"{where}：未知或不可用的字段类型“{kind}”")
        return None
    label = str(raw.get("label", "")).strip()
    if not label:
        problems.append(f"{where}：缺少中文标签 label")
    choices: tuple[tuple[str, str], ...] = ()
    if kind == "choice":
        raw_choices = raw.get("choices") or []
        choices = tuple(
            (str(c[0]), str(c[1]))
            if isinstance(c, list | tuple) and len(c) == 2
            else (str(c), str(c))
            for c in raw_choices
        )
        if not choices:
            problems.append(f"{where}：单选字段须列出选项 choices")
    columns: tuple[Field, ...] = ()
    if kind == "table":
        cols = [_field(c, f"{where}的列", problems, cell=True) for c in raw.get("columns") or []]
        columns = tuple(c for c in cols if c is not None)
        if not columns:
            problems.append(f"{where}：重复表格须定义列 columns")
    if kind == "file" and not str(raw.get("material", "")).strip():
        problems.append(f"{where}：附件字段须指明对应的申请材料 material")
    visible_when = raw.get("visible_when")
    if visible_when is not None and not (
        isinstance(visible_when, Mapping)
        and (("situation" in visible_when) ^ ("field" in visible_when))
        and isinstance(visible_when.get("in"), list)
    ):
        problems.append(f"{where}：visible_when 应为 {{situation 或 field, in: [...]}}")
        visible_when = None
    return Field(
        key=key,
        label=label,
        type=kind,
        required=bool(raw.get("required", False)),
        help=str(raw.get("help", "")),
        choices=choices,
        min=_decimal(raw.get("min"), where, problems),
        max=_decimal(raw.get("max"), where, problems),
        max_length=min(int(raw.get("max_length") or MAX_TEXT), 4000),
        unit=str(raw.get("unit", "")),
        prefill=tuple(str(p) for p in raw.get("prefill") or []),
        editable_when_prefilled=bool(raw.get("editable_when_prefilled", True)),
        visible_when=visible_when,
        columns=columns,
        min_rows=int(raw.get("min_rows") or 0),
        max_rows=min(int(raw.get("max_rows") or MAX_ROWS), MAX_ROWS),
        material=str(raw.get("material", "")),
    )


def parse_schema(
    raw: Any,
    *,
    situations: Mapping[str, set[str]] | None = None,
    materials: set[str] | None = None,
    prefill_keys: Container[str] | None = None,
) -> FormSchema:
    """A checked form definition. Given the item's situations, materials and the registered
    prefill keys, conditions and references are checked against them too."""
    if not raw:
        return EMPTY
    problems: list[str] = []
    if not isinstance(raw, Mapping) or not isinstance(raw.get("sections"), list):
        raise SchemaError(["表单定义应为对象，且包含 sections 列表"])
    sections = []
    for i, section in enumerate(raw["sections"], start=1):
        if not isinstance(section, Mapping):
            problems.append(f"第{i}节：应为对象")
            continue
        title = str(section.get("title", "")).strip() or f"第{i}节"
        fields = [_field(f, f"“{title}”的字段", problems) for f in section.get("fields") or []]
        sections.append(
            (title, tuple(dataclasses.replace(f, section=title) for f in fields if f is not None))
        )
    schema = FormSchema(
        title=str(raw.get("title", "")).strip(),
        sections=tuple(sections),
        material=str(raw.get("material", "") or "").strip(),
    )
    if schema.material and materials is not None and schema.material not in materials:
        problems.append(f"表单对应的申请材料“{schema.material}”不在该事项的材料中")
    keys = [f.key for f in schema.fields]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"字段键名“{key}”重复")
    for f in schema.fields:
        cond = f.visible_when
        if cond and "field" in cond and cond["field"] not in keys:
            problems.append(f"字段“{f.label}”的显示条件引用了不存在的字段“{cond['field']}”")
        if cond and "situation" in cond and situations is not None:
            if cond["situation"] not in situations:
                problems.append(f"字段“{f.label}”的显示条件引用了不存在的情形“{cond['situation']}”")
            elif unknown := set(map(str, cond["in"])) - situations[cond["situation"]]:
                problems.append(
                    f"字段“{f.label}”的显示条件含未知选项：{'、'.join(sorted(unknown))}"
                )
        if f.type == "file" and materials is not None and f.material not in materials:
            problems.append(f"字段“{f.label}”对应的申请材料“{f.material}”不在该事项的材料中")
        if prefill_keys is not None:
            for ref in f.prefill:
                if ref not in prefill_keys:
                    problems.append(f"字段“{f.label}”的预填来源“{ref}”不存在")
    if problems:
        raise SchemaError(problems)
    return schema


def is_visible(field: Field, data: Mapping[str, Any], situations: Mapping[str, str]) -> bool:
    cond = field.visible_when
    if not cond:
        return True
    wanted = {str(v) for v in cond["in"]}
    if "situation" in cond:
        return situations.get(cond["situation"], "") in wanted
    return str(data.get(cond["field"], "")) in wanted
