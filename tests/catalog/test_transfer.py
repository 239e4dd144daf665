"""YAML export and import: round trip, versioning on change, all-or-nothing on error."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from tongban.accounts.models import Department
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import CatalogImportError, catalog_export, catalog_import
from tongban.core.models import AuditRecord
from tongban.demo.seed import demo_catalog_text


def _document() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(demo_catalog_text())


def test_the_demo_city_has_the_catalog_the_issue_asks_for(demo_city: None) -> None:
    items = ServiceItem.objects.filter(state="published")
    assert items.count() >= 40
    names = set(items.values_list("name", flat=True))
    for bookstore_item in [
        "企业设立登记（营业执照）",
        "出版物零售单位设立审批（出版物经营许可证）",
        "食品经营许可",
        "建设项目环境影响报告表审批",
        "门头牌匾设置备案",
    ]:
        assert bookstore_item in names
    assert {"公章刻制备案", "单位参保登记（社会保险）", "企业银行开户预约"} <= names
    assert {"企业投资项目备案", "建设工程规划许可证核发", "建筑工程施工许可证核发"} <= names
    assert items.filter(audience="person").count() >= 15
    assert Department.objects.count() >= 11


def test_export_then_import_into_an_empty_city_gives_the_same_catalog(demo_city: None) -> None:
    exported = catalog_export()
    ServiceItem.objects.all().delete()
    report = catalog_import(text=exported)
    assert len(report.created) >= 40
    assert catalog_export().split("items:")[1] == exported.split("items:")[1]


def test_importing_the_same_catalog_again_changes_nothing(demo_city: None) -> None:
    before = ServiceItem.objects.count()
    report = catalog_import(text=demo_catalog_text())
    assert report.created == [] and report.new_versions == []
    assert ServiceItem.objects.count() == before


def test_a_changed_item_becomes_a_new_published_version(demo_city: None) -> None:
    document = _document()
    food = next(i for i in document["items"] if i["name"] == "食品经营许可")
    food["promised_limit_days"] = 2.5  # a half-day promise survives export and import
    report = catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    assert len(report.new_versions) == 1
    versions = ServiceItem.objects.filter(name="食品经营许可").order_by("version")
    assert [(v.version, v.state, v.promised_limit_days) for v in versions] == [
        (1, "superseded", 11),
        (2, "published", Decimal("2.5")),
    ]


def test_an_unknown_department_fails_the_whole_import_naming_item_and_field(
    demo_city: None,
) -> None:
    document = _document()
    document["items"][2]["department"] = "nosuch"
    document["items"][3]["promised_limit_days"] = 99
    for item in document["items"]:
        item["summary"] = "已修改"
    before = list(ServiceItem.objects.values_list("pk", "summary"))
    audit_before = AuditRecord.objects.count()
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    messages = caught.value.messages
    assert any("第3个事项" in m and "部门“nosuch”不存在" in m for m in messages)
    assert any("第4个事项" in m and "承诺办结时限" in m for m in messages)
    assert list(ServiceItem.objects.values_list("pk", "summary")) == before
    assert AuditRecord.objects.count() == audit_before


def test_broken_yaml_is_a_clear_error(db: None) -> None:
    with pytest.raises(CatalogImportError, match="YAML"):
        catalog_import(text="items: [unclosed")
    with pytest.raises(CatalogImportError, match="items"):
        catalog_import(text="just a string")


def test_a_material_pointing_at_an_unknown_situation_is_refused(demo_city: None) -> None:
    document = _document()
    food = next(i for i in document["items"] if i["name"] == "食品经营许可")
    food["materials"][0]["when"] = ["business.nosuch"]
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    assert any("business.nosuch" in m for m in caught.value.messages)


def test_an_unknown_format_version_is_refused(demo_city: None) -> None:
    document = _document()
    document["format"] = "tongban-catalog/9"
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    assert any("tongban-catalog/9" in m and "格式版本" in m for m in caught.value.messages)


def test_a_duplicate_life_event_code_is_refused(demo_city: None) -> None:
    document = _document()
    document["life_events"].append(dict(document["life_events"][0], name="重复的主题"))
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    code = document["life_events"][0]["code"]
    assert any(f"主题事件编码“{code}”重复" in m for m in caught.value.messages)


@pytest.mark.parametrize(
    "broken",
    [
        {"legal_limit_days": ["不是数字"]},
        {"materials": "不是列表"},
        {"situations": 42},
        {"name": {"一个": "对象"}},
    ],
)
def test_a_type_error_in_an_item_reads_in_chinese(demo_city: None, broken: dict) -> None:
    document = _document()
    document["items"][0].update(broken)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=yaml.safe_dump(document, allow_unicode=True))
    for message in caught.value.messages:
        assert "第1个事项" in message
        assert not any(word in message for word in ("object", "NoneType", "int", "str", "list"))
