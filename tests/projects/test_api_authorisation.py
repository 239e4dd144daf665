"""Authorisation matrix over every projects API route × persona: anonymous → 401; a project
the persona may not see → 404; otherwise allowed or 403. The agent sees the projects they
carry, the enterprise's people theirs, the hall's managers and administrators all."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Enterprise, EnterpriseMember, Role, User
from tongban.api import api
from tongban.cases.bundles.models import BundleCase
from tongban.cases.services.delegations import delegation_grant
from tongban.catalog.models import Bundle
from tongban.projects.models import Project

OWNERS = {"agent", "applicant", "manager", "admin"}
MATRIX: dict[tuple[str, str], tuple[set[str], set[str] | None]] = {
    ("GET", "/api/projects"): (
        {"agent", "other_agent", "applicant", "other_applicant", "clerk", "manager", "admin"},
        None,
    ),
    ("POST", "/api/projects"): ({"agent", "other_agent"}, None),
    ("GET", "/api/projects/figures"): ({"manager", "admin"}, None),
    ("GET", "/api/projects/{project_id}"): (OWNERS, OWNERS),
}
PERSONAS = [
    "anonymous",
    "agent",
    "other_agent",
    "applicant",
    "other_applicant",
    "clerk",
    "manager",
    "admin",
]


def routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/projects")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert routes() == set(MATRIX)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    department = DepartmentFactory()
    applicant = UserFactory(roles=[Role.APPLICANT])
    enterprise = Enterprise.objects.create(
        name="示例建设有限公司",
        uscc="91610100MA6TEST01X",
        legal_representative="示例",
        region_code="610100",
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=applicant)
    agent = UserFactory(roles=[Role.AGENT])
    mandate = delegation_grant(
        applicant=applicant,
        agent=agent,
        valid_until=timezone.now() + dt.timedelta(days=30),
        enterprise=enterprise,
    )
    bundle = Bundle.objects.create(
        code="matrix-chain",
        name="测试审批链",
        audience="enterprise",
        lead_department=department,
        definition={},
    )
    parent = BundleCase.objects.create(
        bundle=bundle,
        applicant=applicant,
        enterprise=enterprise,
        created_by=agent,
        channel="web",
        idempotency_key="m",
        state="in_progress",
    )
    project = Project.objects.create(
        name="测试项目",
        code="2026-610100-47-01-000001",
        enterprise=enterprise,
        applicant=applicant,
        agent=agent,
        mandate=mandate,
        bundle_case=parent,
    )
    people: dict[str, User | None] = {
        "anonymous": None,
        "agent": agent,
        "other_agent": UserFactory(roles=[Role.AGENT]),
        "applicant": applicant,
        "other_applicant": UserFactory(roles=[Role.APPLICANT]),
        "clerk": UserFactory(department=department, roles=[Role.CLERK]),
        "manager": UserFactory(roles=[Role.HALL_MANAGER]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    return {"people": people, "project": project, "mandate": mandate}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(
    route: tuple[str, str], persona: str, world: dict[str, Any], client: Client
) -> None:
    method, path = route
    allowed, visible_to = MATRIX[route]
    user = world["people"][persona]
    if user is not None:
        client.force_login(user)
    url = path.replace("{project_id}", str(world["project"].pk))
    if method == "GET":
        status = client.get(url).status_code
    else:
        body = {
            "mandate_id": world["mandate"].pk,
            "name": "新项目",
            "code": "2026-610100-47-01-000002",
            "idempotency_key": "k",
        }
        status = client.post(url, json.dumps(body), content_type="application/json").status_code
    if user is None:
        assert status == 401, status
    elif persona in allowed:
        assert status not in (401, 403), status  # the other agent's mandate: 404, not theirs
    elif visible_to is not None and persona not in visible_to:
        assert status == 404, status
    else:
        assert status == 403, status


def test_an_agent_sees_only_the_mandated_enterprises_cases(
    world: dict[str, Any], client: Client
) -> None:
    """The mandate is the enterprise's: the same person's cases for another enterprise stay
    out of the agent's reach, through the API as on the pages."""
    from tests.factories import ServiceItemFactory
    from tongban.cases.services.submission import case_save_draft

    applicant, agent = world["people"]["applicant"], world["people"]["agent"]
    mandated = world["project"].enterprise
    other = Enterprise.objects.create(
        name="另一家示例公司",
        uscc="91610100MA6TEST02X",
        legal_representative="示例",
        region_code="610100",
    )
    EnterpriseMember.objects.create(enterprise=other, user=applicant)
    item = ServiceItemFactory(audience="enterprise")
    mine = case_save_draft(
        actor=applicant,
        code=item.code,
        applicant=applicant,
        idempotency_key="a",
        enterprise=mandated,
    )
    theirs = case_save_draft(
        actor=applicant,
        code=item.code,
        applicant=applicant,
        idempotency_key="b",
        enterprise=other,
    )
    client.force_login(agent)
    assert client.get(f"/api/cases/{mine.pk}").status_code == 200
    assert client.get(f"/api/cases/{theirs.pk}").status_code == 404
    answer = client.post(
        "/api/cases",
        json.dumps(
            {
                "item_code": item.code,
                "idempotency_key": "c",
                "applicant_id_number": applicant.id_number,
                "enterprise_uscc": other.uscc,
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code in (403, 404), answer.content
