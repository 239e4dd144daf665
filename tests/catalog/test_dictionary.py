"""The material dictionary (issue 19, part 1): one entry per kind of document; items refer to
it and use its name, so a 一件事 lists a document once; the catalogue check flags a material
spelled differently from its entry; and no demo item asks for a form it does not offer online."""

from __future__ import annotations

import pytest

from tests.factories import ServiceItemFactory
from tongban.catalog.checks import item_check
from tongban.catalog.models import Bundle, Material, MaterialKind, ServiceItem
from tongban.catalog.services.bundles import bundle_guide
from tongban.catalog.services.transfer import CatalogImportError, catalog_export, catalog_import


def test_the_bookstore_lists_each_document_once(demo_city: None) -> None:
    guide = bundle_guide(Bundle.objects.get(code="open-bookstore"), {"drinks": "yes"})
    names = [m.name for m in guide.materials]
    assert len(names) == len(set(names))
    kinds = MaterialKind.objects.all()
    for kind in kinds:
        spelled = [n for n in names if n == kind.name or n in kind.aliases]
        assert len(spelled) <= 1, (kind.code, spelled)
    assert "法定代表人（负责人）身份证明" in names and "负责人身份证明" not in names


def test_no_demo_item_spells_a_material_two_ways_or_asks_for_a_form_to_upload(
    demo_city: None,
) -> None:
    for item in ServiceItem.objects.filter(state="published"):
        messages = [f.message for f in item_check(item)]
        assert not [m for m in messages if "材料字典" in m], (item.name, messages)
        assert not [m for m in messages if "应配置在线表单" in m], (item.name, messages)


def test_the_check_flags_the_same_document_spelled_differently(db: None) -> None:
    kind = MaterialKind.objects.create(
        code="id-legal-rep", name="法定代表人（负责人）身份证明", aliases=["负责人身份证明"]
    )
    item = ServiceItemFactory(with_guide=True)
    Material.objects.create(item=item, name="负责人身份证明")
    Material.objects.create(item=item, name="法定代表人身份证", kind=kind)
    messages = [f.message for f in item_check(item) if f.field == "materials"]
    assert any("即材料字典中的“法定代表人（负责人）身份证明”" in m for m in messages)
    assert any("应使用材料字典的规范名称" in m for m in messages)


def test_the_dictionary_travels_with_the_catalogue_yaml(demo_city: None) -> None:
    text = catalog_export()
    assert "kind: id-legal-rep" in text
    broken = text.replace("kind: id-legal-rep", "kind: no-such-kind", 1)
    with pytest.raises(CatalogImportError) as caught:
        catalog_import(text=broken)
    assert any("材料字典中没有条目“no-such-kind”" in e for e in caught.value.messages)
