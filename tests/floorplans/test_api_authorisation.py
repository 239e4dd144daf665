"""Authorisation matrix over every floor-plan API route × persona: anonymous → 401 (the
format and the rules are public); a plan the persona may not see → 404; otherwise allowed or
403. The owner draws, saves and attaches; whoever sees the application sees its plan; the
staff who accept or review it comment and ask for a correction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Role, User
from tongban.api import api
from tongban.cases.models import Case
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.services import plan_attach

from .test_services import _submitted

SIGNED_IN = {"owner", "other_applicant", "reviewer", "other_reviewer", "clerk", "admin"}
STAFF = {"reviewer", "other_reviewer", "clerk", "admin"}
SEES = {"owner", "reviewer", "clerk", "admin"}
HANDLES = {"reviewer", "clerk", "admin"}
PUBLIC = {"anonymous", *SIGNED_IN}
MATRIX: dict[tuple[str, str], tuple[set[str], set[str] | None]] = {
    ("POST", "/api/floorplans/check"): (SIGNED_IN, None),
    ("GET", "/api/floorplans/format"): (PUBLIC, None),
    ("GET", "/api/floorplans/rules"): (PUBLIC, None),
    ("GET", "/api/floorplans/rules/{code}"): (PUBLIC, None),
    ("GET", "/api/floorplans/figures"): (STAFF, None),
    ("GET", "/api/floorplans"): (SIGNED_IN, None),
    ("POST", "/api/floorplans"): (SIGNED_IN, None),
    ("POST", "/api/floorplans/claim"): (SIGNED_IN, None),
    ("GET", "/api/floorplans/{plan_id}"): (SEES, SEES),
    ("PUT", "/api/floorplans/{plan_id}"): ({"owner"}, {"owner"}),
    ("POST", "/api/floorplans/{plan_id}/attach"): ({"owner"}, {"owner"}),
    ("GET", "/api/floorplans/{plan_id}/comments"): (SEES, SEES),
    ("POST", "/api/floorplans/{plan_id}/comments"): (HANDLES, SEES),
    ("POST", "/api/floorplans/{plan_id}/correction"): (HANDLES, SEES),
}
PERSONAS = ["anonymous", *sorted(SIGNED_IN)]


def routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/floorplans")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert routes() == set(MATRIX)


@pytest.fixture
def world(
    plan: FloorPlan, draft: Case, zhangsan: User, reviewer: User, clerk: User, lisi: User
) -> dict[str, Any]:
    case = _submitted(plan, draft, zhangsan)
    plan.refresh_from_db()
    people: dict[str, User | None] = {
        "anonymous": None,
        "owner": zhangsan,
        "other_applicant": lisi,
        "reviewer": reviewer,
        "other_reviewer": UserFactory(department=DepartmentFactory(), roles=[Role.REVIEWER]),
        "clerk": clerk,
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    return {"people": people, "plan": plan, "case": case}


def _body(path: str, world: dict[str, Any]) -> dict[str, Any]:
    plan = world["plan"]
    if path.endswith("/check"):
        return plan.data
    if path.endswith("/attach"):
        return {"case_id": world["case"].pk}
    if path.endswith("/comments"):
        return {"x": 5, "y": 5, "text": "请核对"}
    if path.endswith("{plan_id}"):
        return {"base_revision": plan.revision, "plan": plan.data}
    if path == "/api/floorplans":
        return {"template": "noodle"}
    if path.endswith("/claim"):
        return {"code": "ABCD-EFGH"}
    return {}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(route: tuple[str, str], world: dict[str, Any]) -> None:
    """Every persona on one world per route (a write by an allowed persona may change the
    state the next one meets: they are only held to not being refused for who they are)."""
    method, path = route
    allowed, visible_to = MATRIX[route]
    url = path.replace("{plan_id}", str(world["plan"].pk)).replace("{code}", "national")
    body = json.dumps(_body(path, world))
    for persona in PERSONAS:
        client = Client()
        user = world["people"][persona]
        if user is not None:
            client.force_login(user)
        if method == "GET":
            status = client.get(url).status_code
        elif method == "PUT":
            status = client.put(url, body, content_type="application/json").status_code
        else:
            status = client.post(url, body, content_type="application/json").status_code
        if persona in allowed:
            assert status not in (401, 403, 404), (persona, status)
        elif user is None:
            assert status == 401, (persona, status)
        elif visible_to is not None and persona not in visible_to:
            assert status == 404, (persona, status)
        else:
            assert status == 403, (persona, status)


def test_a_plan_is_attached_only_to_the_owner_s_own_application(
    world: dict[str, Any], client: Client, lisi: User
) -> None:
    """Another person's plan cannot be pushed into someone's application, nor the owner's
    plan into another person's."""
    from tongban.floorplans.services import plan_create

    theirs = plan_create(owner=lisi, template="noodle")
    client.force_login(lisi)
    answer = client.post(
        f"/api/floorplans/{theirs.pk}/attach",
        json.dumps({"case_id": world["case"].pk}),
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert FloorPlan.objects.get(case=world["case"]).pk == world["plan"].pk
    with pytest.raises(Exception):  # noqa: B017, PT011 — the service refuses too
        plan_attach(plan=theirs, actor=lisi, case=world["case"])
