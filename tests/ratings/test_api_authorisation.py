"""Authorisation matrix over every 好差评 API route × persona × ownership, as for cases:
anonymous → 401; an object the persona may not see → 404; seen but not theirs to act on →
403; otherwise the request reaches the service. A route without an entry here fails
`test_every_route_is_in_the_matrix`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.cases.test_api_authorisation import (
    AUTHENTICATED,
    FOR_APPLICANT,
    STAFF,
    VIEWERS,
    world,  # noqa: F401
)
from tongban.api import api
from tongban.cases.bundles.models import BundleCase
from tongban.catalog.models import Bundle
from tongban.ratings.models import BadRatingTask, Rating, RatingPart
from tongban.ratings.services.handling import appeal_file, task_open

PUBLIC = "public"
RATING_VIEWERS = {"applicant", "reviewer_own", "manager", "admin"}
TASK_VIEWERS = {"reviewer_own", "manager", "admin"}
HANDLERS = {"reviewer_own", "admin"}

MATRIX: dict[tuple[str, str], tuple[set[str] | str, set[str] | None]] = {
    ("GET", "/api/ratings/figures"): (PUBLIC, None),
    ("GET", "/api/ratings/tasks"): (STAFF, None),
    ("POST", "/api/ratings/cases/{case_id}"): (FOR_APPLICANT, VIEWERS),
    ("POST", "/api/ratings/bundles/{bundle_case_id}"): ({"applicant"}, {"applicant"}),
    ("GET", "/api/ratings/{rating_id}"): (RATING_VIEWERS, RATING_VIEWERS),
    ("POST", "/api/ratings/{rating_id}/follow-up"): ({"applicant"}, RATING_VIEWERS),
    ("POST", "/api/ratings/{rating_id}/again"): ({"applicant"}, RATING_VIEWERS),
    ("POST", "/api/ratings/tasks/{task_id}/callback"): (HANDLERS, TASK_VIEWERS),
    ("POST", "/api/ratings/tasks/{task_id}/verify"): (HANDLERS, TASK_VIEWERS),
    ("POST", "/api/ratings/tasks/{task_id}/fix"): (HANDLERS, TASK_VIEWERS),
    ("POST", "/api/ratings/tasks/{task_id}/fixed"): (HANDLERS, TASK_VIEWERS),
    ("POST", "/api/ratings/tasks/{task_id}/appeal"): ({"reviewer_own"}, TASK_VIEWERS),
    ("POST", "/api/ratings/appeals/{appeal_id}/decide"): ({"manager", "admin"}, STAFF),
}

BODIES: dict[str, dict[str, Any]] = {
    "/api/ratings/cases/{case_id}": {"level": 5},
    "/api/ratings/bundles/{bundle_case_id}": {"level": 5},
    "/follow-up": {"text": "补充"},
    "/again": {"level": 4},
    "/callback": {"reached": True, "note": "已回访"},
    "/verify": {"valid": True, "reason": "属实"},
    "/fix": {"immediate": True, "plan": "整改", "evidence": "照片"},
    "/fixed": {"evidence": "照片"},
    "/appeal": {"reason": "恶意评价"},
    "/decide": {"upheld": False, "note": "不成立"},
}


def routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/ratings")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert routes() == set(MATRIX)


@pytest.fixture
def objects(world: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """A bad rating of 张三's case with its task and a pending appeal, and a 一件事 of his."""
    people, case = world["people"], world["case"]
    applicant = people["applicant"]
    rating = Rating.objects.create(
        kind="case",
        channel="web",
        level=1,
        reason="差",
        case=case,
        rater=applicant,
        rated_at=timezone.now(),
    )
    part = RatingPart.objects.create(rating=rating, department_id=case.department_id)
    task = task_open(rating, [part])
    second = Rating.objects.create(kind="visit", channel="pad", level=2, rated_at=timezone.now())
    second_part = RatingPart.objects.create(rating=second, department_id=case.department_id)
    appeal = appeal_file(
        actor=people["reviewer_own"], task=task_open(second, [second_part]), reason="恶意"
    )
    bundle = Bundle.objects.create(
        code="matrix",
        name="测试一件事",
        audience="person",
        lead_department_id=case.department_id,
        definition={},
    )
    parent = BundleCase.objects.create(
        bundle=bundle,
        applicant=applicant,
        created_by=applicant,
        channel="web",
        idempotency_key="matrix",
        state="in_progress",
    )
    return {**world, "rating": rating, "task": task, "appeal": appeal, "bundle_case": parent}


def _call(client: Client, method: str, path: str, objects: dict[str, Any]) -> int:
    url = (
        path.replace("{case_id}", str(objects["case"].pk))
        .replace("{bundle_case_id}", str(objects["bundle_case"].pk))
        .replace("{rating_id}", str(objects["rating"].pk))
        .replace("{task_id}", str(objects["task"].pk))
        .replace("{appeal_id}", str(objects["appeal"].pk))
    )
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    if body is None:
        return client.generic(method, url).status_code
    return client.generic(
        method, url, json.dumps(body), content_type="application/json"
    ).status_code


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
    assert BadRatingTask.objects.filter(pk=objects["task"].pk).exists()
