"""The national catalogue's consistency rules, applied to an item."""

from __future__ import annotations

from tests.factories import ServiceItemFactory
from tongban.catalog.checks import item_check
from tongban.catalog.models import Condition


def _fields(item: object, blocking_only: bool = False) -> set[str]:
    return {f.field for f in item_check(item) if f.blocking or not blocking_only}  # type: ignore[arg-type]


def test_a_well_formed_item_has_no_findings(db: None) -> None:
    item = ServiceItemFactory(with_guide=True)
    item.form = {
        "title": "申请书",
        "material": "申请书",
        "sections": [
            {"title": "申请人", "fields": [{"key": "name", "label": "姓名", "type": "text"}]}
        ],
    }
    assert item_check(item) == []


def test_an_application_form_asked_as_an_upload_is_flagged(db: None) -> None:
    """Issue 19: never "print the form, fill it in, upload it" when it can be filled online."""
    item = ServiceItemFactory(with_guide=True)
    findings = [f.message for f in item_check(item) if f.field == "form"]
    assert len(findings) == 1 and findings[0].startswith("材料“申请书”是申请表，应配置在线表单")
    item.form = {
        "title": "申请书",
        "sections": [{"title": "甲", "fields": [{"key": "a", "label": "甲", "type": "text"}]}],
    }
    assert [f.field for f in item_check(item)] == ["form"]  # a form that stands for nothing
    item.form["material"] = "不存在的材料"
    assert any("不在该事项的材料中" in f.message for f in item_check(item))


def test_visits_without_a_reason_are_flagged(db: None) -> None:
    item = ServiceItemFactory(with_guide=True, visits_required=1, online_depth=3)
    assert "visits_reason" in _fields(item, blocking_only=True)


def test_full_online_depth_means_no_visit(db: None) -> None:
    item = ServiceItemFactory(with_guide=True, visits_required=1, visits_reason="核验")
    assert "online_depth" in _fields(item, blocking_only=True)


def test_a_no_visit_item_must_accept_online_or_postal_applications(db: None) -> None:
    item = ServiceItemFactory(with_guide=True, handling_forms=["window"], online_depth=2)
    assert "handling_forms" in _fields(item, blocking_only=True)


def test_a_fee_needs_its_basis(db: None) -> None:
    item = ServiceItemFactory(with_guide=True, fee_charged=True, fee_standard="10元")
    assert "fee_basis" in _fields(item, blocking_only=True)


def test_a_precondition_without_legal_basis_is_flagged_for_removal(db: None) -> None:
    item = ServiceItemFactory(with_guide=True)
    Condition.objects.create(item=item, text="须提交物业同意证明")
    findings = [f for f in item_check(item) if f.field == "conditions"]
    assert len(findings) == 1
    assert "没有法律依据" in findings[0].message


def test_the_result_type_follows_the_result_name(db: None) -> None:
    item = ServiceItemFactory(
        with_guide=True, result_name="项目核准批复", result_type="certificate"
    )
    assert "result_type" in _fields(item)
