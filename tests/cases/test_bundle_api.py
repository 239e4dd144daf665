"""一件事 API: an authorisation matrix over every route × persona (a route without an entry
fails), and a bundle started, read and submitted once through it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.test_bundle_cases import start
from tongban.accounts.models import User
from tongban.api import api
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import bundle_case_form
from tongban.core.synthetic import make_pdf
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.forms.synthetic import fill_form

PERSONAS = ("anonymous", "owner", "other_applicant", "clerk", "admin")
OWNER_ONLY = {"anonymous": 401, "owner": "ok", "other_applicant": 404, "clerk": 404, "admin": 404}
SIGNED_IN = {"anonymous": 401, "owner": "ok", "other_applicant": 400, "clerk": 400, "admin": 400}
MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    # Starting names the enterprise: only its handlers may (others get a 400 naming the field).
    ("POST", "/api/bundles/{code}/start"): SIGNED_IN,
    ("GET", "/api/bundles/cases/{bundle_case_id}"): OWNER_ONLY,
    ("POST", "/api/bundles/cases/{bundle_case_id}/submit"): OWNER_ONLY,
}


def test_every_route_is_in_the_matrix() -> None:
    routes = {
        (method.upper(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        if path.startswith("/api/bundles")
        for method in operations
    }
    assert routes == set(MATRIX)


def _client(persona: str) -> Client:
    client = Client()
    usernames = {"owner": "zhangsan", "other_applicant": "lisi", "clerk": "clerk", "admin": "admin"}
    if persona in usernames:
        client.force_login(User.objects.get(username=usernames[persona]))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(route: tuple[str, str], persona: str, demo_city: None) -> None:
    parent = start()
    zhangsan = User.objects.get(username="zhangsan")
    uscc = zhangsan.enterprises.get(name=NEW_COMPANY_NAME).uscc
    method, path = route
    url = path.replace("{code}", "open-bookstore").replace("{bundle_case_id}", str(parent.pk))
    client = _client(persona)
    if path.endswith("/start"):
        body = {"idempotency_key": "api-1", "enterprise_uscc": uscc, "choices": {"drinks": "no"}}
        response = client.post(url, json.dumps(body), content_type="application/json")
    elif method == "POST":
        response = client.post(url, {"form_data": "{}"})
    else:
        response = client.get(url)
    expected = MATRIX[route][persona]
    if expected == "ok":
        assert response.status_code in (200, 400), response.content  # 400: an empty form
    else:
        assert response.status_code == expected, response.content


@pytest.mark.django_db
def test_start_read_and_submit_once_through_the_api(demo_city: None) -> None:
    client = _client("owner")
    zhangsan = User.objects.get(username="zhangsan")
    uscc = zhangsan.enterprises.get(name=NEW_COMPANY_NAME).uscc
    body = {"idempotency_key": "api-2", "enterprise_uscc": uscc, "choices": {"drinks": "no"}}
    started = client.post(
        "/api/bundles/open-bookstore/start", json.dumps(body), content_type="application/json"
    ).json()
    again = client.post(
        "/api/bundles/open-bookstore/start", json.dumps(body), content_type="application/json"
    ).json()
    assert again["id"] == started["id"] and len(started["children"]) == 4
    assert (started["serial_days"], started["critical_days"]) == (34.5, 15.0)
    parent = BundleCase.objects.get(pk=started["id"])
    data = fill_form(bundle_case_form(parent).schema, parent.choices, {}, random.Random(2))  # noqa: S311
    files = {
        f"m_{m['index']}": SimpleUploadedFile(f"{m['index']}.pdf", make_pdf("api"))
        for m in started["materials"]
        if m["source"] == "applicant" and m["requirement"] != "optional" and not m["online_form"]
    }
    assert sum(m["online_form"] for m in started["materials"]) == 3  # 3 application forms
    bad = client.post(f"/api/bundles/cases/{parent.pk}/submit", {"form_data": "[]"})
    assert bad.status_code == 400 and "form_data" in bad.json()["errors"]
    answer = client.post(
        f"/api/bundles/cases/{parent.pk}/submit", {"form_data": json.dumps(data), **files}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == "in_progress" and body["number"].startswith("TBYJ")
    states = {c["key"]: c["state"] for c in body["children"]}
    assert states["licence"] == "submitted" and states["eia"] == "draft"
