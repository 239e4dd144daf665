"""What people type is taken as they meant it: NFKC, no control or zero-width characters, and
a value of nothing visible is empty; a NUL is refused at the door, naming the field."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.text import clean_text
from tongban.forms.schema import parse_schema
from tongban.forms.values import clean_data

SCHEMA = parse_schema(
    {
        "title": "表",
        "sections": [
            {
                "title": "一",
                "fields": [
                    {"key": "name", "label": "姓名", "type": "text", "required": True},
                    {"key": "id", "label": "证件号", "type": "id_number"},
                    {"key": "note", "label": "说明", "type": "textarea"},
                ],
            }
        ],
    }
)


@pytest.mark.parametrize(
    "name", ["\u200b\u200b", "\x00", "\u202e\u2066", " \u200d ", "\ufeff", "\x07\x1b"]
)
def test_a_name_of_nothing_visible_is_missing(name: str) -> None:
    _cleaned, errors = clean_data(SCHEMA, {"name": name}, {})
    assert errors == {"form.name": ["请填写姓名"]}


def test_control_and_zero_width_characters_are_taken_out_and_text_normalised() -> None:
    cleaned, errors = clean_data(
        SCHEMA,
        {
            "name": "测\u200b试\x00甲",
            "id": "１１０１０５１９４９１２３１００２Ｘ",
            "note": "第一行\n第二行\x1b",
        },
        {},
    )
    assert errors == {}
    assert cleaned["name"] == "测试甲"
    assert cleaned["id"] == "11010519491231002X"
    assert cleaned["note"] == "第一行\n第二行"


@given(st.text())
def test_clean_text_leaves_no_control_or_format_character(text: str) -> None:
    import unicodedata

    cleaned = clean_text(text)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned)
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned


def test_a_nul_in_a_json_body_is_refused_naming_the_field(client: Client, zhangsan) -> None:
    client.force_login(zhangsan)
    answer = client.post(
        "/api/cases",
        data=json.dumps({"item_code": "X", "idempotency_key": "k", "form_data": {"name": "a\x00"}}),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"form_data.name": ["不能含有空字符（\\u0000）"]}


@pytest.mark.parametrize("url", ["/api/catalog/items?q=a%00b", "/guide/?q=%00"])
def test_a_nul_in_a_query_is_refused_naming_the_field(client: Client, db: None, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 400
    assert "空字符" in answer.content.decode()
