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

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

__all__ = [
    "Conflict",
    "PermissionDenied",
    "Refusal",
    "ValidationError",
    "refusal_of",
]


class Conflict(Exception):
    """The object's current state refuses the request (HTTP 409); the message says why."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """How one refusal reads to a client: its status, one summary line, and per field."""

    status: int
    message: str
    fields: dict[str, list[str]]


# Each kind of refusal, its HTTP status and the message when the exception carries none.
# The first matching row wins, so a subclass (CaseConflict) is covered by its base.
REFUSALS: tuple[tuple[type[Exception], int, str], ...] = (
    (ValidationError, 400, "输入有误"),
    (PermissionDenied, 403, "无权执行此操作"),
    (Http404, 404, "未找到"),
    (Conflict, 409, "当前状态不允许此操作"),
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
