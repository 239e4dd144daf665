"""Masking of personal information (ID numbers, phones, addresses) for display."""

from __future__ import annotations

from collections.abc import Callable


def mask_id_number(value: str) -> str:
    """Keep the first 6 (region) and last 4 characters: 610102********123X."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    digits = value.strip()
    if not digits:
        return ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    """Keep the surname: 张*, 欧阳**."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str, keep: int = 6) -> str:
    """Keep the first characters (province, city, district) and hide the rest."""
    if not value:
        return ""
    if len(value) <= keep:
        return value
    return value[:keep] + "*" * min(len(value) - keep, 8)


MASKERS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
    "address": mask_address,
}


def mask(kind: str, value: str) -> str:
    return MASKERS[kind](value)
