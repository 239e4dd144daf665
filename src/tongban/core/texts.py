"""Texts the platform writes and keeps: a timeline note, a message, a purpose in the exchange's
log. What is stored stays Chinese (the record, as the law reads it); a text made with `said`
carries its rendering in every other language the portal speaks, made when it is written, so
that a page in English shows it in English without knowing how it was composed.

    note = said(gettext_noop("已寄出：{courier} {waybill}"), courier=label, waybill=waybill)
    case_event(case, ..., note=note)          # stores str(note) and note.translations

A place may hold a catalogue object (anything with `local_name`: its English name is used in
English), a lazy translation (a choice's label), another `Said`, or plain data (a number, a
waybill, what a person typed), which is the same in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation


class Said(str):
    """The Chinese text, which is what it is as a `str`, with `translations` (language →
    text) for the portal's other languages."""

    translations: dict[str, str]

    def __new__(cls, text: str, translations: Mapping[str, str] | None = None) -> Said:
        made = super().__new__(cls, text)
        made.translations = dict(translations or {})
        return made


def _shown(value: Any) -> str:
    if isinstance(value, Said):
        return in_language(value, value.translations)
    local = getattr(value, "local_name", None)
    if isinstance(local, str):
        return local
    return str(value)


def said(msgid: str, /, **params: Any) -> Said:
    """`msgid` (Chinese, marked with gettext_noop) with its named places filled, in Chinese
    and in every other language of the portal."""
    rendered: dict[str, str] = {}
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = translation.gettext(msgid).format(
                **{k: _shown(v) for k, v in params.items()}
            )
    chinese = rendered.pop(settings.LANGUAGE_CODE)
    return Said(chinese, {k: v for k, v in rendered.items() if v != chinese})


def translations_of(text: str) -> dict[str, str]:
    """What to store next to a text: its other languages, {} for a plain string."""
    return dict(getattr(text, "translations", {}) or {})


def in_language(text: str, translations: Mapping[str, str] | None) -> str:
    """The stored text in the reader's language, where it was stored with one."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if translations:
        for code, value in translations.items():
            if language == code or language.startswith(f"{code}-"):
                return value
    return text


def translations_by_field(**texts: str) -> dict[str, dict[str, str]]:
    """Several texts of one row (a message's subject and body, say) in the portal's other
    languages, for one JSON column: {"en": {"subject": …, "body": …}}. A field said in no
    other language stands as written."""
    per_field = {name: translations_of(text) for name, text in texts.items()}
    languages = {code for found in per_field.values() for code in found}
    return {
        code: {name: per_field[name].get(code, str(text)) for name, text in texts.items()}
        for code in languages
    }


def field_in_language(text: str, i18n: Mapping[str, Mapping[str, str]], field: str) -> str:
    """One field of a row stored with `translations_by_field`, in the reader's language."""
    return in_language(text, {code: row[field] for code, row in i18n.items() if field in row})
