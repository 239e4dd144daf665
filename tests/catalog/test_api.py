"""The catalog's JSON API: lists, guides and figures computed from the catalog."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import ServiceItemFactory
from tongban.catalog.models import Condition, ServiceItem


def test_it_lists_published_items_with_pagination(client: Client, demo_city: None) -> None:
    body = client.get("/api/catalog/items?limit=10&audience=enterprise").json()
    assert body["count"] >= 25
    assert len(body["items"]) == 10
    assert all(i["audience"] in ("enterprise", "both") for i in body["items"])


def test_the_list_is_not_n_plus_one(client: Client, demo_city: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/catalog/items?limit=100")
    assert len(queries) <= 4


def test_a_guide_has_materials_with_their_situations(client: Client, demo_city: None) -> None:
    code = ServiceItem.objects.get(name="食品经营许可", state="published").code
    body = client.get(f"/api/catalog/items/{code}").json()
    assert body["legal_limit_days"] == 20 and body["promised_limit_days"] == 11
    assert body["case_kind"] == "承诺件"
    layout = next(m for m in body["materials"] if m["name"].startswith("与食品经营相适应"))
    assert set(layout["applies_when"]) == {"business.drinks", "business.catering"}
    assert [s["code"] for s in body["situations"]] == ["business", "premises"]


def test_an_unknown_item_is_a_chinese_404(client: Client, db: None) -> None:
    response = client.get("/api/catalog/items/nosuch")
    assert response.status_code == 404
    assert "事项不存在" in response.json()["detail"]


def test_a_bad_filter_is_a_422_naming_the_field(client: Client, db: None) -> None:
    response = client.get("/api/catalog/items?audience=martian")
    assert response.status_code == 422
    body = response.json()
    assert "audience" in body["errors"]
    assert "输入有误" in body["detail"]


def test_stats_are_computed_from_the_items(client: Client, db: None) -> None:
    ServiceItemFactory(legal_limit_days=20, promised_limit_days=5, visits_required=0)
    ServiceItemFactory(
        legal_limit_days=10,
        promised_limit_days=0,
        visits_required=1,
        visits_reason="核验",
        item_type="confirmation",
        online_depth=3,
    )
    unbased = ServiceItemFactory(
        legal_limit_days=30,
        promised_limit_days=30,
        visits_required=2,
        visits_reason="两次",
        online_depth=2,
    )
    Condition.objects.create(item=unbased, text="无依据的前置条件")
    ServiceItemFactory(state="draft", legal_limit_days=5, promised_limit_days=5)
    body = client.get("/api/catalog/stats").json()
    assert body["total"] == 3
    assert body["by_type"]["licensing"] == 2 and body["by_type"]["confirmation"] == 1
    assert body["by_visits"] == {"0": 1, "1": 1, "2+": 1}
    assert abs(body["no_visit_share"] - 1 / 3) < 1e-9
    assert abs(body["mean_promised_to_legal"] - (0.25 + 0 + 1) / 3) < 1e-9
    assert abs(body["total_limit_reduction"] - (1 - 35 / 60)) < 1e-9
    assert body["immediate_items"] == 1
    assert body["unbased_precondition_items"] == 1


def test_the_openapi_document_is_served(client: Client, db: None) -> None:
    spec = client.get("/api/openapi.json").json()
    assert "/api/catalog/items" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_labels_follow_the_language_and_the_cache_keeps_them_apart(
    client: Client, db: None
) -> None:
    item = ServiceItemFactory()
    chinese = client.get(f"/api/catalog/items/{item.code}").json()
    english = client.get(f"/api/catalog/items/{item.code}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["item_type_label"] == "行政许可"
    assert english["item_type_label"] == "Administrative licensing"
    assert english["item_type"] == chinese["item_type"] == "licensing"
