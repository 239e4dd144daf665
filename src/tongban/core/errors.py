"""One way to refuse. The domain raises one of three kinds of refusal, and this table says
what each means to a client: the API answers with its status, a page shows its message.

- `ValidationError` (Django's): the input is wrong; the message names the field (400).
- `PermissionDenied` (Django's): this actor may not do this (403).
- `Conflict`: the input is fine and the actor may, but the object's state refuses it now
  (409) — a case not in a state for this step, a window already taken, a year whose
  holidays are not on file.

Python's built-in `PermissionError` is for the operating system, never for the domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

__all__ = [
    "Conflict",
    "ServiceBusy",
    "TooManyAttempts",
    "schema_fields",
    "PermissionDenied",
    "Refusal",
    "ValidationError",
    "refusal_of",
]


class Conflict(Exception):
    """The object's current state refuses the request (HTTP 409); the message says why."""


class TooManyAttempts(Exception):
    """This client used up its attempts for now (HTTP 429); `wait` seconds until it may
    try again (sent as `Retry-After`)."""

    def __init__(self, wait: int, message: str = "") -> None:
        self.wait = max(1, int(wait))
        super().__init__(message or f"尝试次数过多，请在{self.wait}秒后再试")


@dataclass(frozen=True, slots=True)
class Refusal:
    """How one refusal reads to a client: its status, one summary line, and per field."""

    status: int
    message: str
    fields: dict[str, list[str]]

    @property
    def lines(self) -> list[str]:
        """One line per field (`field：reason，reason`), or the message alone."""
        return [
            ("" if field == "__all__" else f"{field}：") + "，".join(problems)
            for field, problems in self.fields.items()
        ] or [self.message]


class ServiceBusy(Exception):
    """Every slot for this kind of work is taken (HTTP 503); try again in `wait` seconds."""

    def __init__(self, wait: int, message: str = "") -> None:
        self.wait = max(1, int(wait))
        super().__init__(message or f"服务繁忙，请在{self.wait}秒后重试")


# Each kind of refusal, its HTTP status and the message when the exception carries none.
# The first matching row wins, so a subclass (CaseConflict) is covered by its base.
REFUSALS: tuple[tuple[type[Exception], int, str], ...] = (
    (ValidationError, 400, "输入有误"),
    (PermissionDenied, 403, "无权执行此操作"),
    (Http404, 404, "未找到"),
    (Conflict, 409, "当前状态不允许此操作"),
    (TooManyAttempts, 429, "请求过于频繁，请稍后再试"),
    (ServiceBusy, 503, "服务繁忙，请稍后重试"),
)


def _validation_fields(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return dict(exc.message_dict)
    return {"__all__": list(exc.messages)}


def refusal_of(exc: Exception) -> Refusal | None:
    """The refusal an exception stands for, or None when it is not a refusal (a fault)."""
    for kind, status, default in REFUSALS:
        if not isinstance(exc, kind):
            continue
        if isinstance(exc, ValidationError):
            fields = _validation_fields(exc)
            summary = "；".join(
                (f"{field}：" if field != "__all__" else "") + "，".join(msgs)
                for field, msgs in fields.items()
            )
            return Refusal(status, f"{default}：{summary}" if summary else default, fields)
        return Refusal(status, str(exc) or default, {})
    return None


# What a schema's (pydantic's) error types say, in Chinese; `{…}` from the error's context.
SCHEMA_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为“是”或“否”",
    "bool_type": "应为“是”或“否”",
    "string_type": "应为文字",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "最多{max_length}个字符",
    "string_pattern_mismatch": "格式不正确",
    "dict_type": "应为对象（键值对）",
    "list_type": "应为列表",
    "date_parsing": "应为日期，如 2026-03-02",
    "date_from_datetime_parsing": "应为日期，如 2026-03-02",
    "date_type": "应为日期，如 2026-03-02",
    "datetime_parsing": "应为日期时间，如 2026-03-02T09:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，如 2026-03-02T09:00:00+08:00",
    "datetime_type": "应为日期时间，如 2026-03-02T09:00:00+08:00",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "too_short": "至少{min_length}项",
    "too_long": "最多{max_length}项",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "json_invalid": "不是有效的JSON",
    "json_type": "不是有效的JSON",
    "extra_forbidden": "没有这个字段",
    "value_error": "{error}",
}


def schema_fields(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> dict[str, list[str]]:
    """A schema's validation errors as Chinese messages by field (`a.b.0`); `skip` drops
    leading parts of each location (the API's "body", "query")."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = list(error.get("loc", ()))[skip:]
        field = ".".join(str(p) for p in location) or "__all__"
        template = SCHEMA_MESSAGES.get(str(error.get("type", "")))
        try:
            text = template.format(**(error.get("ctx") or {})) if template else ""
        except (KeyError, IndexError):
            text = ""
        fields.setdefault(field, []).append(text or f"格式不正确（{error.get('msg', '')}）")
    return fields
