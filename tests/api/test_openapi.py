"""The OpenAPI document says what the API does: every status it answers, one name per
schema, and values in the format declared."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from ninja import Schema

from tongban.api import api
from tongban.core.api_types import RefusalOut
from tongban.core.errors import REFUSALS


def _schemas(root: type[Schema]) -> list[type[Schema]]:
    found = []
    for sub in root.__subclasses__():
        found.append(sub)
        found.extend(_schemas(sub))
    return found


def test_every_schema_of_the_api_has_its_own_name() -> None:
    import tongban.urls  # noqa: F401 - imports every router and its schemas

    ours = {s for s in _schemas(Schema) if s.__module__.startswith("tongban.")}
    by_name: dict[str, list[str]] = {}
    for schema in ours:
        by_name.setdefault(schema.__name__, []).append(f"{schema.__module__}.{schema.__name__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_every_operation_declares_the_refusals_it_can_answer() -> None:
    spec = api.get_openapi_schema()
    refusal_ref = {"$ref": "#/components/schemas/RefusalOut"}
    assert "RefusalOut" in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = {int(s) for s in operation["responses"]}
            where = f"{method.upper()} {path}"
            assert {status for _k, status, _d in REFUSALS if status != 503} <= declared, where
            assert 429 in declared, where
            if operation.get("security"):
                assert 401 in declared, where
            if operation.get("parameters") or operation.get("requestBody"):
                assert {413, 422} <= declared, where
            for status in declared - {200, 201, 204}:
                body = operation["responses"][status]["content"]["application/json"]
                assert body["schema"] == refusal_ref, where


def test_a_refusal_matches_its_declared_shape() -> None:
    RefusalOut.model_validate({"detail": "输入有误", "errors": {"slot": ["必填"]}})


def test_wall_clock_times_are_declared_and_sent_as_hh_mm() -> None:
    from tongban.hall.schemas import SlotOut

    spec = api.get_openapi_schema()
    declared = spec["components"]["schemas"]["SlotOut"]["properties"]["starts_at"]
    assert declared["type"] == "string" and "format" not in declared
    out = SlotOut(
        id=1,
        category="A",
        day=dt.date(2026, 3, 2),
        starts_at=dt.time(8, 30),
        ends_at=dt.time(9),
        left=3,
    )
    sent = json.loads(out.model_dump_json())
    assert (sent["starts_at"], sent["ends_at"]) == ("08:30", "09:00")
    formats = set(re.findall(r'"format": "([a-z-]+)"', json.dumps(spec)))
    assert "time" not in formats


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize("path", ["/api/cases", "/api/exchange/remote/query"])
def test_a_body_over_the_limit_is_a_json_413_in_chinese(
    client: Client, settings, zhangsan, path: str, content_type: str
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(zhangsan)
    body = json.dumps({"item_code": "a" * 5000}) if "json" in content_type else "x=" + "a" * 5000
    answer = client.post(path, data=body, content_type=content_type)
    assert answer.status_code == 413
    assert answer["Content-Type"].startswith("application/json")
    assert "请求体过大" in answer.json()["detail"]


def test_a_body_that_is_not_json_is_refused_in_chinese(client: Client, zhangsan) -> None:
    client.force_login(zhangsan)
    answer = client.post("/api/cases", data="{not json", content_type="application/json")
    assert answer.status_code == 400 and "JSON" in answer.json()["detail"]


def test_made_up_session_cookies_write_no_session_rows(client: Client, db: None) -> None:
    from django.contrib.sessions.models import Session

    for n in range(40):
        client.cookies["sessionid"] = f"madeup{n:030d}"
        client.get("/api/catalog/items")
        client.get("/")
        client.get("/api/cases/mine")
    assert Session.objects.count() == 0


def test_an_anonymous_caller_over_its_rate_gets_429_in_chinese(
    client: Client, db: None, settings
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "anonymous": "5/m"}
    statuses = [client.get("/api/catalog/departments").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    stopped = client.get("/api/catalog/departments")
    assert stopped["Content-Type"].startswith("application/json")
    assert int(stopped["Retry-After"]) >= 1 and "频繁" in stopped.json()["detail"]
    # Another address is not affected.
    assert client.get("/api/catalog/departments", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_signed_in_person_is_limited_by_account_not_address(
    client: Client, zhangsan, settings
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "anonymous": "2/m", "person": "4/m"}
    client.force_login(zhangsan)
    statuses = [client.get("/api/cases/mine").status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429] * 2


def test_creating_for_a_number_answers_alike_whether_or_not_it_is_registered(
    client: Client, zhangsan, lisi
) -> None:
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory()
    client.force_login(zhangsan)

    def create(number: str) -> tuple[int, str]:
        answer = client.post(
            "/api/cases",
            data={
                "item_code": item.code,
                "idempotency_key": f"probe-{number}",
                "applicant_id_number": number,
            },
            content_type="application/json",
        )
        return answer.status_code, answer.json()["detail"]

    registered = create(str(lisi.id_number))
    unregistered = create("11010519491231002X")
    assert registered == unregistered
    assert registered[0] == 403


_CJK = re.compile(r"[\u4e00-\u9fff]")
