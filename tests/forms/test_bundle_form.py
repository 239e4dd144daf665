"""A bundle's merged form: a field several items ask is asked once and goes back to each."""

from __future__ import annotations

import pytest

from tests.factories import ServiceItemFactory
from tongban.accounts.models import Department
from tongban.cases.bundles.forms import merge_forms
from tongban.forms.schema import SchemaError
from tongban.forms.values import clean_data


def _item(department: Department, fields: list[dict[str, object]]) -> object:
    item = ServiceItemFactory(department=department)
    item.form = {"title": item.name, "sections": [{"title": "申请人", "fields": fields}]}
    item.save(update_fields=["form"])
    return item


NAME = {"key": "contact_name", "label": "姓名", "type": "text"}
PHONE = {"key": "phone", "label": "联系电话", "type": "phone", "required": True}


def test_a_field_several_items_ask_is_asked_once_and_mapped_back(department: Department) -> None:
    a = _item(department, [NAME, PHONE, {"key": "area", "label": "面积", "type": "number"}])
    b = _item(
        department,
        [{**NAME, "required": True}, PHONE, {"key": "seats", "label": "座位", "type": "number"}],
    )
    merged = merge_forms([("a", a), ("b", b)], "开书店一件事")  # type: ignore[list-item]
    keys = [f.key for f in merged.schema.fields]
    assert keys == ["contact_name", "phone", "area", "seats"]
    assert merged.schema.field("contact_name").required  # required by b
    assert merged.used_by["phone"] == ("a", "b")
    data = {"contact_name": "张测试", "phone": "13900000001", "area": "80", "seats": "20"}
    cleaned, errors = clean_data(merged.schema, data, {})
    assert errors == {}
    split = merged.split(cleaned)
    assert split["a"] == {"contact_name": "张测试", "phone": "13900000001", "area": "80"}
    assert split["b"] == {"contact_name": "张测试", "phone": "13900000001", "seats": "20"}


def test_the_same_key_with_another_meaning_is_named(department: Department) -> None:
    a = _item(department, [NAME])
    b = _item(department, [{"key": "contact_name", "label": "联系人", "type": "id_number"}])
    with pytest.raises(SchemaError) as caught:
        merge_forms([("a", a), ("b", b)], "x")  # type: ignore[list-item]
    assert (
        "字段“contact_name”" in caught.value.problems[0] and "含义不同" in caught.value.problems[0]
    )
