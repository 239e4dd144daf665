"""Bundle definitions: checked (unknown items, cycles named), the items for a situation, and
the schedule — every item starts as soon as its inputs exist; the limit is the longest chain."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.catalog.bundles import BundleError, applicable, parse_bundle, schedule

NAMES = {
    "000105001000": "营业执照",
    "000105022000": "出版物经营许可证",
    "000105013000": "食品经营许可",
    "000105040000": "环评审批",
    "000199006000": "门头牌匾备案",
}
BOOKSTORE: dict[str, Any] = {
    "situations": [
        {
            "code": "food",
            "question": "是否兼营饮品？",
            "options": [{"code": "yes", "label": "是"}, {"code": "no", "label": "否"}],
        }
    ],
    "items": [
        {"key": "licence", "item": "000105001000"},
        {"key": "publication", "item": "000105022000", "requires": ["licence"]},
        {"key": "food", "item": "000105013000", "requires": ["licence"], "when": ["food.yes"]},
        {"key": "eia", "item": "000105040000", "requires": ["licence"]},
        {"key": "sign", "item": "000199006000", "requires": ["licence"]},
    ],
}
LIMITS = {
    "licence": Decimal("0.5"),
    "publication": Decimal("14.5"),
    "food": Decimal("14.5"),
    "eia": Decimal(10),
    "sign": Decimal(6),
}


def test_the_bookstore_runs_its_departments_in_parallel_after_the_licence() -> None:
    spec = parse_bundle(BOOKSTORE, known_items=NAMES)
    items = applicable(spec, {"food": "yes"})
    plan = schedule(items, LIMITS)
    assert plan.serial_days == Decimal("45.5")
    assert plan.critical_days == Decimal(15)
    assert plan.waves == [["licence"], ["eia", "food", "publication", "sign"]]
    assert plan.critical_path[0] == "licence" and len(plan.critical_path) == 2


def test_a_situation_drops_an_item_and_its_waiting() -> None:
    spec = parse_bundle(BOOKSTORE, known_items=NAMES)
    keys = [i.key for i in applicable(spec, {"food": "no"})]
    assert keys == ["licence", "publication", "eia", "sign"]


def test_a_cycle_is_refused_and_named_by_its_items() -> None:
    looped = {
        **BOOKSTORE,
        "items": [
            *BOOKSTORE["items"][:4],
            {"key": "sign", "item": "000199006000", "requires": ["eia"]},
        ],
    }
    looped["items"][0] = {"key": "licence", "item": "000105001000", "requires": ["sign"]}
    with pytest.raises(BundleError) as caught:
        parse_bundle(looped, known_items=NAMES)
    [problem] = caught.value.problems
    assert problem.startswith("事项依赖关系成环：")
    assert "营业执照 → " in problem and "门头牌匾备案" in problem and "环评审批" in problem


def test_an_unknown_item_or_dependency_is_named() -> None:
    broken = {
        "items": [
            {"key": "a", "item": "999999999999"},
            {"key": "b", "item": "000105001000", "requires": ["zz"]},
        ]
    }
    with pytest.raises(BundleError) as caught:
        parse_bundle(broken, known_items=NAMES)
    assert "事项“999999999999”（a）不存在或未发布" in caught.value.problems
    assert "事项“b”依赖的“zz”不在套餐中" in caught.value.problems


@st.composite
def dags(draw: Any) -> tuple[dict[str, Any], dict[str, Decimal]]:
    n = draw(st.integers(1, 8))
    items = []
    for i in range(n):
        # Only earlier items may be required: acyclic by construction.
        requires = draw(st.lists(st.sampled_from(range(i)), unique=True)) if i else []
        items.append({"key": f"i{i}", "item": f"c{i}", "requires": [f"i{r}" for r in requires]})
    limits = {f"i{i}": Decimal(draw(st.integers(0, 40))) / 2 for i in range(n)}
    return {"items": items}, limits


@given(dags())
def test_the_schedule_respects_every_dependency_and_never_beats_its_longest_item(
    case: tuple[dict[str, Any], dict[str, Decimal]],
) -> None:
    raw, limits = case
    spec = parse_bundle(raw)
    plan = schedule(applicable(spec, {}), limits)
    for item in spec.items:
        for req in item.requires:
            assert plan.start[item.key] >= plan.finish[req]
        assert plan.finish[item.key] == plan.start[item.key] + limits[item.key]
    assert max(limits.values()) <= plan.critical_days <= plan.serial_days
    assert sum(limits[k] for k in plan.critical_path) == plan.critical_days


def _loaded(spec: Any) -> dict[str, Any]:
    from tongban.catalog.models import ServiceItem
    from tongban.catalog.selectors import item_version

    return {
        i.key: item_version(ServiceItem.objects.get(basic_code=i.item, state="published").pk)
        for i in spec.items
    }


def test_the_demo_bookstore_merges_materials_and_asks_each_situation_once(demo_city: None) -> None:
    from tongban.catalog.bundles import merged_materials, merged_situations, missing_dependencies

    spec = parse_bundle(BOOKSTORE, known_items=NAMES)
    loaded = _loaded(spec)
    assert missing_dependencies(spec, loaded) == []
    materials = {
        m.name: m
        for m in merged_materials(applicable(spec, {"food": "yes"}), loaded, {"food": "yes"})
    }
    licence = materials["营业执照"]
    assert licence.produced_by == "licence" and licence.source == "bundle"
    assert set(licence.items) == {"publication", "food", "eia", "sign"}  # asked of nobody, once
    situations = {code: options for code, _, options in merged_situations(spec, loaded)}
    assert (
        "food" in situations and "premises" in situations
    )  # premises: asked by several items, once
    # A definition that forgets the licence is an input is refused, naming both items.
    forgetful = {
        **BOOKSTORE,
        "items": [{k: v for k, v in i.items() if k != "requires"} for i in BOOKSTORE["items"]],
    }
    problems = missing_dependencies(parse_bundle(forgetful, known_items=NAMES), loaded)
    assert any("需要“企业设立登记（营业执照）”的办理结果" in p and "出版物" in p for p in problems)


def test_the_demo_bundles_and_their_guide_pages(demo_city: None, client: Any) -> None:
    from tongban.catalog.models import Bundle

    assert set(Bundle.objects.values_list("code", flat=True)) == {
        "open-bookstore",
        "start-company",
        "construction-permit",
    }
    listing = client.get("/guide/bundles/").content.decode()
    assert "开书店一件事" in listing and "企业开办一件事" in listing
    page = client.get("/guide/bundles/open-bookstore/?s_drinks=yes").content.decode()
    # The article's figures, from the catalogue: 0.5 + 14.5 + 11 + 14.5 + 5 one by one; the
    # half-day licence, then the longest of the four that need it.
    assert 'data-testid="serial-days">45.5<' in page
    assert 'data-testid="bundle-days">15<' in page
    assert 'data-testid="visits">5 → 1<' in page  # food licence: on-site check, one window
    assert page.count('data-testid="bundle-item"') == 5
    assert client.get("/guide/bundles/nope/").status_code == 404


def test_defining_a_bundle_with_a_cycle_is_refused_naming_it(demo_city: None) -> None:
    from django.core.exceptions import ValidationError

    from tongban.accounts.models import Department
    from tongban.catalog.services.bundles import bundle_define

    looped = {
        "items": [
            {"key": "licence", "item": "000105001000", "requires": ["food"]},
            {"key": "food", "item": "000105013000", "requires": ["licence"]},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        bundle_define(
            code="loop",
            name="成环",
            audience="enterprise",
            lead_department=Department.objects.get(code="scjg"),
            definition=looped,
        )
    [problem] = caught.value.message_dict["definition"]
    assert (
        problem
        == "事项依赖关系成环：企业设立登记（营业执照） → 食品经营许可 → 企业设立登记（营业执照）"
    )
    unknown = {"items": [{"key": "a", "item": "000000000000"}]}
    with pytest.raises(ValidationError, match="不存在或未发布"):
        bundle_define(
            code="x",
            name="x",
            audience="enterprise",
            lead_department=Department.objects.get(code="scjg"),
            definition=unknown,
        )


def test_the_admin_checks_a_bundle_on_save(demo_city: None) -> None:
    import json

    from django.test import Client

    from tongban.accounts.models import User
    from tongban.catalog.models import Bundle

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    bundle = Bundle.objects.get(code="open-bookstore")
    url = f"/admin/catalog/bundle/{bundle.pk}/change/"
    assert client.get(url).status_code == 200
    forgetful = {
        "items": [
            {"key": "licence", "item": "000105001000"},
            {"key": "food", "item": "000105013000"},
        ]
    }
    page = client.post(
        url,
        {
            "code": bundle.code,
            "name": bundle.name,
            "summary": "",
            "audience": "enterprise",
            "lead_department": bundle.lead_department_id,
            "definition": json.dumps(forgetful),
        },
    ).content.decode()
    assert "应依赖事项“licence”" in page


def test_the_guide_asks_only_what_the_applying_items_ask(demo_city: None) -> None:
    from tongban.catalog.models import Bundle
    from tongban.catalog.services.bundles import bundle_guide

    bookstore = Bundle.objects.get(code="open-bookstore")
    with_food = {code for code, _, _ in bundle_guide(bookstore, {"drinks": "yes"}).situations}
    without = {code for code, _, _ in bundle_guide(bookstore, {"drinks": "no"}).situations}
    assert "business" in with_food  # the food licence's question: which kind of food business
    assert "business" not in without and "drinks" in without
