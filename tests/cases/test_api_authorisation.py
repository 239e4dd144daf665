"""Authorisation matrix over every cases and delegations API route × persona × ownership.

Anonymous → 401; a case the persona may not see → 404; a case they see but may not act on →
403; otherwise the request reaches the service (any other status). A route without an entry
here fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.cases.conftest import material_id, pdf
from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Role, User
from tongban.api import api
from tongban.cases.models import Case
from tongban.cases.services.delegations import delegation_grant
from tongban.catalog.models import ServiceItem

AUTHENTICATED = {
    "applicant",
    "other_applicant",
    "agent_delegated",
    "agent_undelegated",
    "clerk",
    "reviewer_own",
    "reviewer_other",
    "manager",
    "admin",
}
VIEWERS = {"applicant", "agent_delegated", "clerk", "reviewer_own", "manager", "admin"}
FOR_APPLICANT = {"applicant", "agent_delegated"}
ACCEPTORS = {"clerk", "reviewer_own", "admin"}
REVIEWERS = {"reviewer_own", "admin"}
STAFF = {"clerk", "reviewer_own", "reviewer_other", "manager", "admin"}

# (method, path) → (personas allowed, personas that see the object at all; None = no object)
MATRIX: dict[tuple[str, str], tuple[set[str], set[str] | None]] = {
    ("POST", "/api/cases"): (AUTHENTICATED, None),
    ("GET", "/api/cases/mine"): (AUTHENTICATED, None),
    ("GET", "/api/cases/worklist"): (STAFF, None),
    ("GET", "/api/cases/{case_id}"): (VIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/submit"): (FOR_APPLICANT, VIEWERS),
    ("POST", "/api/cases/{case_id}/pre-review"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/correction"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/resubmit"): (FOR_APPLICANT, VIEWERS),
    ("POST", "/api/cases/{case_id}/reject"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/accept"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/review"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/suspend"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/resume"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/extend"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/decide"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/result"): (REVIEWERS, VIEWERS),
    ("POST", "/api/cases/{case_id}/deliver"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/complete"): (ACCEPTORS, VIEWERS),
    ("POST", "/api/cases/{case_id}/withdraw"): (FOR_APPLICANT, VIEWERS),
    ("POST", "/api/cases/{case_id}/terminate"): (REVIEWERS, VIEWERS),
    # the applicant sees their own in full anyway; staff whose role needs it, with a reason
    ("POST", "/api/cases/{case_id}/reveal"): ({"applicant", *ACCEPTORS}, VIEWERS),
    ("POST", "/api/delegations"): (AUTHENTICATED, None),
    ("DELETE", "/api/delegations/{delegation_id}"): ({"applicant"}, {"applicant"}),
}

BODIES: dict[str, dict[str, Any]] = {
    "/api/cases": {"item_code": "{item}", "idempotency_key": "matrix"},
    "/correction": {"problems": {"{material}": "缺少签章"}},
    "/reject": {"reason": "不符合条件"},
    "/reveal": {"reason": "核对申请人身份"},
    "/accept": {"in_person": False},
    "/suspend": {"kind": "hearing", "reason": "听证"},
    "/extend": {"working_days": 5, "reason": "征求意见"},
    "/decide": {"decision": "grant", "reason": ""},
    "/deliver": {"mode": "mail"},
    "/withdraw": {"reason": "不办了"},
    "/terminate": {"reason": "申请人死亡"},
    "/api/delegations": {"agent_username": "agent_x", "valid_until": "2099-01-01T00:00:00+08:00"},
}


def api_routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith(("/api/cases", "/api/delegations"))
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert api_routes() == set(MATRIX)


@pytest.fixture
def world(item: ServiceItem, zhangsan: User, submitted: Case, department: Any) -> dict[str, Any]:
    agent = UserFactory(username="agent_x", roles=[Role.AGENT])
    delegation = delegation_grant(
        applicant=zhangsan, agent=agent, valid_until=timezone.now() + dt.timedelta(days=9)
    )
    other_department = DepartmentFactory()
    people: dict[str, User | None] = {
        "anonymous": None,
        "applicant": zhangsan,
        "other_applicant": UserFactory(roles=[Role.APPLICANT]),
        "agent_delegated": agent,
        "agent_undelegated": UserFactory(roles=[Role.AGENT]),
        "clerk": UserFactory(department=other_department, roles=[Role.CLERK]),
        "reviewer_own": UserFactory(department=department, roles=[Role.REVIEWER]),
        "reviewer_other": UserFactory(department=other_department, roles=[Role.REVIEWER]),
        "manager": UserFactory(roles=[Role.HALL_MANAGER]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    return {"people": people, "case": submitted, "delegation": delegation, "item": item}


def _call(client: Client, method: str, path: str, world: dict[str, Any]) -> int:
    url = path.replace("{case_id}", str(world["case"].pk)).replace(
        "{delegation_id}", str(world["delegation"].pk)
    )
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    material = material_id(world["item"], "房屋租赁合同")
    if path.endswith(("/submit", "/resubmit")):
        return client.post(url, {f"material_{material}": pdf()}).status_code
    if body is None:
        return client.generic(method, url).status_code
    text = (
        str(body)
        .replace("'{item}'", f"'{world['item'].code}'")
        .replace("'{material}'", f"'{material}'")
    )
    import ast
    import json

    payload = json.dumps(ast.literal_eval(text))
    return client.generic(method, url, payload, content_type="application/json").status_code


@pytest.mark.parametrize("persona", ["anonymous", *sorted(AUTHENTICATED)])
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(
    route: tuple[str, str], persona: str, world: dict[str, Any], client: Client
) -> None:
    method, path = route
    allowed, visible_to = MATRIX[route]
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)
    status = _call(client, method, path, world)
    if user is None:
        assert status == 401, status
    elif persona in allowed:
        assert status not in (401, 403, 404), status
    elif visible_to is not None and persona not in visible_to:
        assert status == 404, status
    else:
        assert status == 403, status
