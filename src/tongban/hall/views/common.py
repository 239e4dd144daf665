"""What the hall's pages share: the device session key and error messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError

DEVICE_SESSION_KEY = "hall_device_id"


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return str(exc)
