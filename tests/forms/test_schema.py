"""Form definitions: checked when defined, and the rules each field type applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.synthetic import make_id_number, make_uscc
from tongban.forms.schema import SchemaError, parse_schema
from tongban.forms.values import clean_data, display_value

FORM: dict[str, Any] = {
    "title": "测试申请表",
    "sections": [
        {
            "title": "申请人",
            "fields": [
                {
                    "key": "name",
                    "label": "姓名",
                    "type": "text",
                    "required": True,
                    "max_length": 10,
                },
                {
                    "key": "id_number",
                    "label": "公民身份号码",
                    "type": "id_number",
                    "required": True,
                },
                {"key": "phone", "label": "电话", "type": "phone"},
                {
                    "key": "kind",
                    "label": "类型",
                    "type": "choice",
                    "choices": [["a", "甲"], ["b", "乙"]],
                },
                {
                    "key": "detail",
                    "label": "乙类说明",
                    "type": "text",
                    "required": True,
                    "visible_when": {"field": "kind", "in": ["b"]},
                },
                {
                    "key": "seats",
                    "label": "座位数",
                    "type": "number",
                    "min": 0,
                    "max": 500,
                    "visible_when": {"situation": "business", "in": ["catering"]},
                },
                {"key": "since", "label": "开业日期", "type": "date"},
                {"key": "region", "label": "区县", "type": "region"},
                {"key": "code", "label": "信用代码", "type": "credit_code"},
                {
                    "key": "staff",
                    "label": "人员",
                    "type": "table",
                    "min_rows": 1,
                    "columns": [
                        {"key": "name", "label": "姓名", "type": "text", "required": True},
                        {"key": "age", "label": "年龄", "type": "number", "min": 16, "max": 80},
                    ],
                },
            ],
        }
    ],
}
ID = make_id_number("610113", dt.date(1990, 5, 17), 123)
SITUATIONS = {"business": "sale"}


def _ok(**extra: Any) -> dict[str, Any]:
    return {"name": "张测试", "id_number": ID, "staff": [{"name": "李测试", "age": "30"}], **extra}


def test_a_valid_form_is_cleaned_and_normalised() -> None:
    schema = parse_schema(FORM)
    data = _ok(id_number=ID.lower(), phone="139-0000-1234", since="2026-03-02", region="610113")
    cleaned, errors = clean_data(schema, data, SITUATIONS)
    assert errors == {}
    assert cleaned["id_number"] == ID.upper()
    assert cleaned["phone"] == "13900001234"
    assert cleaned["staff"] == [{"name": "李测试", "age": "30"}]


def test_every_fault_is_named_by_its_field() -> None:
    schema = parse_schema(FORM)
    data = {
        "name": "张" * 11,
        "id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1"),
        "phone": "12345",
        "kind": "z",
        "since": "2026-02-30",
        "region": "999999",
        "code": make_uscc("91", "610102", 1)[:-1] + "0",
        "staff": [{"name": "", "age": "12"}],
        "surprise": "x",
    }
    _, errors = clean_data(schema, data, SITUATIONS)
    assert errors["form.name"] == ["姓名：不得超过10个字"]
    assert "校验位" in errors["form.id_number"][0]
    assert "电话" in errors["form.phone"][0]
    assert errors["form.kind"] == ["类型：选项“z”无效"]
    assert "YYYY-MM-DD" in errors["form.since"][0]
    assert "999999" in errors["form.region"][0]
    assert "form.code" in errors
    assert errors["form.staff.0.name"] == ["第1行：请填写姓名"]
    assert errors["form.staff.0.age"] == ["第1行年龄：不得小于16"]
    assert errors["form.surprise"] == ["表单中没有字段“surprise”"]


def test_a_required_field_that_is_hidden_is_not_asked_and_its_value_is_dropped() -> None:
    schema = parse_schema(FORM)
    cleaned, errors = clean_data(schema, _ok(kind="a", detail="多余", seats="20"), SITUATIONS)
    assert errors == {}
    assert "detail" not in cleaned and "seats" not in cleaned
    _, errors = clean_data(schema, _ok(kind="b"), SITUATIONS)
    assert errors == {"form.detail": ["请填写乙类说明"]}
    cleaned, errors = clean_data(schema, _ok(seats="20"), {"business": "catering"})
    assert cleaned["seats"] == "20"


def test_a_table_needs_its_minimum_rows_and_blank_rows_do_not_count() -> None:
    schema = parse_schema(FORM)
    _, errors = clean_data(schema, _ok(staff=[{"name": "", "age": ""}]), SITUATIONS)
    assert errors == {"form.staff": ["至少填写1行"]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f["sections"][0]["fields"].append(dict(f["sections"][0]["fields"][0])), "重复"),
        (
            lambda f: f["sections"][0]["fields"][0].update(type="signature"),
            "未知或不可用的字段类型",
        ),
        (lambda f: f["sections"][0]["fields"][0].update(label=""), "缺少中文标签"),
        (lambda f: f["sections"][0]["fields"][0].update(key="Name"), "键名"),
        (
            lambda f: f["sections"][0]["fields"][4].update(
                visible_when={"field": "nope", "in": []}
            ),
            "不存在的字段",
        ),
        (lambda f: f["sections"][0]["fields"][3].update(choices=[]), "须列出选项"),
        (
            lambda f: f["sections"][0]["fields"].append(
                {"key": "f", "label": "附件", "type": "file"}
            ),
            "material",
        ),
    ],
)
def test_a_broken_definition_is_refused_with_the_fault_named(change: Any, problem: str) -> None:
    import copy

    form = copy.deepcopy(FORM)
    change(form)
    with pytest.raises(SchemaError) as caught:
        parse_schema(form)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_references_are_checked_against_the_item() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema(FORM, situations={"premises": {"own"}}, materials=set(), prefill_keys=set())
    assert any("不存在的情形“business”" in p for p in caught.value.problems)
    form = {
        "sections": [
            {
                "title": "x",
                "fields": [{"key": "a", "label": "甲", "type": "text", "prefill": ["x.y"]}],
            }
        ]
    }
    with pytest.raises(SchemaError, match="预填来源“x.y”不存在"):
        parse_schema(form, situations={}, materials=set(), prefill_keys={"profile.real_name"})


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)),
    sequence=st.integers(0, 999),
    position=st.integers(0, 17),
    digit=st.integers(0, 9),
)
def test_an_id_number_field_takes_every_valid_number_and_no_single_digit_change(
    birth: dt.date, sequence: int, position: int, digit: int
) -> None:
    schema = parse_schema(FORM)
    number = make_id_number("610113", birth, sequence)
    cleaned, errors = clean_data(schema, _ok(id_number=number), SITUATIONS)
    assert errors == {} and cleaned["id_number"] == number
    if number[position] != str(digit):
        changed = number[:position] + str(digit) + number[position + 1 :]
        _, errors = clean_data(schema, _ok(id_number=changed), SITUATIONS)
        assert "form.id_number" in errors


@given(
    value=st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000
    )
)
def test_a_number_is_within_its_bounds_or_refused(value: Any) -> None:
    schema = parse_schema(FORM)
    _, errors = clean_data(schema, _ok(seats=str(value)), {"business": "catering"})
    assert ("form.seats" in errors) == (value < 0 or value > 500)


def test_display_values_read_as_on_the_printed_form() -> None:
    schema = parse_schema(FORM)
    assert display_value(schema.field("kind"), "b") == "乙"
    assert display_value(schema.field("since"), "2026-03-02") == "2026年3月2日"
    assert display_value(schema.field("region"), "610113") == "陕西省 雁塔区（610113）"
