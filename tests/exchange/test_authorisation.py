"""Authorisation matrix of the exchange: roles × permissions on their own department's and on
another department's objects, and the pages and API routes that enforce them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tongban.accounts.models import Department, User
from tongban.exchange.models import AccessGrant, DataResource

ROLES = ["zhangsan", "agent", "clerk", "reviewer", "manager", "steward", "admin_user"]

# The market regulator (the fixtures' department) consumes 户籍信息 from the police.
MATRIX = {
    # (permission, object): roles holding it
    ("exchange.request_grant", "own_department"): {"steward", "admin_user"},
    ("exchange.request_grant", "other_department"): {"admin_user"},
    ("exchange.query", "own_department"): {"clerk", "reviewer", "steward"},
    ("exchange.query", "other_department"): set(),
    ("exchange.review_access", None): {"steward", "admin_user"},
    ("exchange.decide_grant", "grant"): {"admin_user"},  # the provider's steward, not ours
    ("exchange.revoke_grant", "grant"): {"steward", "admin_user"},
}


@pytest.fixture
def grant(population: DataResource) -> AccessGrant:
    return AccessGrant.objects.get(resource=population)


@pytest.mark.parametrize(("permission", "target"), sorted(MATRIX, key=str))
@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(
    request: pytest.FixtureRequest,
    role: str,
    permission: str,
    target: str | None,
    department: Department,
    police: Department,
    grant: AccessGrant,
) -> None:
    user: User = request.getfixturevalue(role)
    obj: Any = {
        "own_department": department,
        "other_department": police,
        "grant": grant,
        None: None,
    }[target]
    assert user.has_perm(permission, obj) is (role in MATRIX[(permission, target)])


def test_the_providers_steward_decides_the_grant(police_steward: User, grant: AccessGrant) -> None:
    assert police_steward.has_perm("exchange.decide_grant", grant)
    assert police_steward.has_perm("exchange.revoke_grant", grant)
    assert not police_steward.has_perm("exchange.query", grant.consumer)


ROUTES = [
    # (method, path, roles answered 2xx; everyone else 403 — or 401 when signed out)
    ("get", "/api/exchange/grants", {"steward", "admin_user"}),
    ("get", "/api/exchange/review", {"steward", "admin_user"}),
    ("get", "/manage/exchange/", {"steward", "admin_user"}),
    ("get", "/api/exchange/my-access", set(ROLES)),
    ("get", "/api/exchange/resources", set(ROLES)),
    ("post", "/api/exchange/query", {"clerk", "reviewer", "steward"}),
]


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_routes_enforce_the_matrix(
    request: pytest.FixtureRequest,
    client: Any,
    role: str,
    method: str,
    path: str,
    allowed: set[str],
    population: DataResource,
    zhangsan: User,
) -> None:
    user: User = request.getfixturevalue(role)
    client.force_login(user)
    if method == "post":
        body = {"resource": "res.population", "subject": zhangsan.id_number, "purpose": "核验"}
        response = client.post(path, body, content_type="application/json")
    else:
        response = client.get(path)
    assert (response.status_code < 300) is (role in allowed), response.content[:200]
    if role not in allowed:
        assert response.status_code == 403


def test_signed_out_callers_get_401_from_the_api(client: Any, db: None) -> None:
    assert client.get("/api/exchange/my-access").status_code == 401
    assert client.get("/api/analytics/materials").status_code == 200  # public aggregates
    assert client.get("/api/exchange/stats").json() == client.get("/api/analytics/materials").json()


def test_a_grant_expiring_today_still_works_and_tomorrow_does_not(
    grant: AccessGrant,
) -> None:
    today = timezone.localdate()
    grant.valid_until = today
    assert grant.is_active(today) and not grant.is_active(today + dt.timedelta(days=1))
