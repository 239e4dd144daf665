"""Authorisation matrix over every delivery and message-centre API route × persona ×
ownership, as for cases: anonymous → 401; an object the persona may not see → 404; seen but
not theirs to act on → 403; otherwise the request reaches the service. A route without an
entry here fails `test_every_route_is_in_the_matrix`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.cases.test_api_authorisation import (
    ACCEPTORS,
    AUTHENTICATED,
    FOR_APPLICANT,
    VIEWERS,
    world,  # noqa: F401
)
from tongban.accounts.models import User
from tongban.api import api
from tongban.delivery.models import LockerCredential
from tongban.delivery.services.credentials import credential_issue
from tongban.notify.services import notify

MANAGERS = {"manager", "admin"}
PUBLIC = "public"

MATRIX: dict[tuple[str, str], tuple[set[str] | str, set[str] | None]] = {
    ("GET", "/api/delivery/cases/{case_id}"): (VIEWERS, VIEWERS),
    ("PUT", "/api/delivery/cases/{case_id}"): (FOR_APPLICANT, VIEWERS),
    ("POST", "/api/delivery/cases/{case_id}/locker"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/delivery/cases/{case_id}/mail"): (ACCEPTORS, VIEWERS),
    ("GET", "/api/delivery/lockers"): (PUBLIC, None),
    ("POST", "/api/delivery/credentials"): (MANAGERS, None),
    ("POST", "/api/delivery/credentials/{credential_id}/revoke"): (MANAGERS, MANAGERS),
    ("GET", "/api/delivery/figures"): (MANAGERS, None),
    ("GET", "/api/messages"): (AUTHENTICATED, None),
    ("GET", "/api/messages/unread"): (AUTHENTICATED, None),
    ("POST", "/api/messages/read-all"): (AUTHENTICATED, None),
    ("POST", "/api/messages/{message_id}/read"): ({"applicant"}, {"applicant"}),
}
# Signed by the courier, not by a session: everyone without the signature gets 401.
SIGNED = {("POST", "/api/delivery/couriers/{name}/events")}

BODIES: dict[str, dict[str, Any]] = {
    "/api/delivery/cases/{case_id}": {"mode": "window"},
    "/api/delivery/cases/{case_id}/locker": {"bank": ""},
    "/api/delivery/credentials": {"holder": "{holder}", "kind": "staff"},
}


def routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith(("/api/delivery", "/api/messages"))
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert routes() == set(MATRIX) | SIGNED


@pytest.fixture
def objects(world: dict[str, Any], manager: User) -> dict[str, Any]:  # noqa: F811
    people = world["people"]
    applicant = people["applicant"]
    credential, _pin = credential_issue(actor=people["admin"], holder=people["clerk"], kind="staff")
    message = next(
        n for n in notify(recipients=[applicant], subject="私人", body="…") if n.channel == "inbox"
    )
    return {**world, "credential": credential, "message": message}


def _call(client: Client, method: str, path: str, objects: dict[str, Any]) -> int:
    url = (
        path.replace("{case_id}", str(objects["case"].pk))
        .replace("{credential_id}", str(objects["credential"].pk))
        .replace("{message_id}", str(objects["message"].pk))
    )
    body = BODIES.get(path)
    if body is None:
        return client.generic(method, url).status_code
    text = json.dumps(body).replace('"{holder}"', str(objects["people"]["clerk"].pk))
    return client.generic(method, url, text, content_type="application/json").status_code


@pytest.mark.parametrize("persona", ["anonymous", *sorted(AUTHENTICATED)])
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(
    route: tuple[str, str], persona: str, objects: dict[str, Any], client: Client
) -> None:
    method, path = route
    allowed, visible_to = MATRIX[route]
    user = objects["people"][persona]
    if user is not None:
        client.force_login(user)
    status = _call(client, method, path, objects)
    if allowed == PUBLIC:
        assert status == 200, status
    elif user is None:
        assert status == 401, status
    elif persona in allowed:
        assert status not in (401, 403, 404), status
    elif visible_to is not None and persona not in visible_to:
        assert status == 404, status
    else:
        assert status == 403, status
    assert LockerCredential.objects.filter(pk=objects["credential"].pk).exists()


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_the_courier_webhook_needs_its_signature_whoever_calls(
    persona: str, objects: dict[str, Any], client: Client
) -> None:
    user = objects["people"][persona]
    if user is not None:
        client.force_login(user)
    answer = client.post(
        "/api/delivery/couriers/demo/events", {"events": []}, content_type="application/json"
    )
    assert answer.status_code == 401
