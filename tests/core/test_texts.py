"""Texts the platform writes keep their English (core.texts): the Chinese is the stored text,
its other languages are made when it is written and shown to a reader of that language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_noop

from tongban.core.texts import (
    Said,
    field_in_language,
    in_language,
    said,
    translations_by_field,
)


class _Named:
    name = "食品经营许可"
    name_en = "Food business licence"

    @property
    def local_name(self) -> str:
        english = (translation.get_language() or "").startswith("en")
        return self.name_en if english else self.name


def test_said_is_the_chinese_text_with_its_english_made_when_written() -> None:
    text = said(gettext_noop("申请{n}"), n=12)
    assert isinstance(text, Said) and text == "申请12"
    assert text.translations == {"en": "Application 12"}
    with translation.override("en"):
        assert in_language(text, text.translations) == "Application 12"
    with translation.override("zh-hans"):
        assert in_language(text, text.translations) == "申请12"


def test_a_catalogue_object_is_named_in_each_language_and_plain_data_stays() -> None:
    text = said(gettext_noop("预填“{item}”申请表"), item=_Named())
    assert text == "预填“食品经营许可”申请表"
    assert text.translations["en"] == "Prefilling the application form of “Food business licence”"
    typed = said(gettext_noop("{decision}：{reason}"), decision="准予许可", reason="材料齐全")
    assert typed.translations["en"].endswith("材料齐全")  # what people typed stays as typed


def test_fields_of_one_row_fall_back_to_what_was_written() -> None:
    i18n = translations_by_field(subject=said(gettext_noop("申请已提交")), body="手写的内容")
    assert i18n == {"en": {"subject": "Application submitted", "body": "手写的内容"}}
    with translation.override("en"):
        assert field_in_language("申请已提交", i18n, "subject") == "Application submitted"
        assert field_in_language("旧的", {}, "subject") == "旧的"  # an older row
    assert translations_by_field(a="plain", b="text") == {}
