"""Authorisation matrix over every field API route × persona: anonymous → 401; a visit or
inspection the persona may not see → 404; seen but not theirs to act on → 403; otherwise the
request reaches the service. Only the assigned inspectors write from the site; the applicant
and their agent see their inspection and choose its time; the department's reviewer names
inspectors. A route without an entry here fails `test_every_route_is_in_the_matrix`."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import DepartmentFactory, UserFactory
from tests.field.conftest import jpeg, signature_png
from tongban.accounts.models import Department, Role, User
from tongban.api import api
from tongban.cases.services.delegations import delegation_grant
from tongban.field.models import Commitment, FieldVisit, Inspection

ASSIGNED = {"inspector_assigned"}
SEE_VISIT = {"inspector_assigned", "reviewer_own", "admin"}
SEE_INSPECTION = SEE_VISIT | {"applicant", "agent_delegated"}
FIELD_STAFF = {"inspector_assigned", "inspector_unassigned", "reviewer_own", "reviewer_other"}
SEE_CASE = {"applicant", "agent_delegated", "clerk", "reviewer_own", "admin"}

MATRIX: dict[tuple[str, str], tuple[set[str], set[str] | None]] = {
    ("GET", "/api/field/visits"): (FIELD_STAFF, None),
    ("GET", "/api/field/visits/{visit_id}"): (SEE_VISIT, SEE_VISIT),
    ("POST", "/api/field/visits/{visit_id}/entries"): (ASSIGNED, SEE_VISIT),
    ("POST", "/api/field/visits/{visit_id}/photos"): (ASSIGNED, SEE_VISIT),
    ("POST", "/api/field/visits/{visit_id}/signatures"): (ASSIGNED, SEE_VISIT),
    ("POST", "/api/field/visits/{visit_id}/materials"): (ASSIGNED, SEE_VISIT),
    ("POST", "/api/field/visits/{visit_id}/conclude"): (ASSIGNED, SEE_VISIT),
    ("GET", "/api/field/inspections/{inspection_id}"): (SEE_INSPECTION, SEE_INSPECTION),
    ("POST", "/api/field/inspections/{inspection_id}/slot"): (
        {"applicant", "agent_delegated", "reviewer_own", "admin"},
        SEE_INSPECTION,
    ),
    ("POST", "/api/field/inspections/{inspection_id}/inspectors"): (
        {"reviewer_own", "admin"},
        SEE_INSPECTION,
    ),
    ("GET", "/api/field/commitments/{case_id}"): (SEE_CASE, SEE_CASE),
    ("POST", "/api/field/commitments/{case_id}/revoke"): ({"reviewer_own", "admin"}, SEE_CASE),
    ("GET", "/api/field/figures"): (FIELD_STAFF | {"admin"}, None),
    ("POST", "/api/field/visits/{visit_id}/certify"): (ASSIGNED, SEE_VISIT),
    ("POST", "/api/field/cases/{case_id}/previsit"): ({"applicant", "agent_delegated"}, SEE_CASE),
}
PERSONAS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "agent_delegated",
    "clerk",
    "reviewer_own",
    "reviewer_other",
    "inspector_assigned",
    "inspector_unassigned",
    "admin",
]


def routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/field")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert routes() == set(MATRIX)


@pytest.fixture
def world(
    scheduled: FieldVisit,
    inspection: Inspection,
    inspectors: list[User],
    zhangsan: User,
    clerk: User,
    reviewer: User,
    department: Department,
) -> dict[str, Any]:
    agent = UserFactory(username="agent_x", roles=[Role.AGENT])
    delegation_grant(
        applicant=zhangsan, agent=agent, valid_until=timezone.now() + timezone.timedelta(days=9)
    )
    other = DepartmentFactory()
    people: dict[str, User | None] = {
        "anonymous": None,
        "applicant": zhangsan,
        "other_applicant": UserFactory(roles=[Role.APPLICANT]),
        "agent_delegated": agent,
        "clerk": clerk,
        "reviewer_own": reviewer,
        "reviewer_other": UserFactory(department=other, roles=[Role.REVIEWER]),
        "inspector_assigned": inspectors[0],
        "inspector_unassigned": UserFactory(department=department, roles=[Role.INSPECTOR]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    # A broken commitment on the case, so that a revocation reaches the service.
    Commitment.objects.create(
        case=inspection.case,
        signer=zhangsan,
        text="告知承诺书",
        text_sha256="0" * 64,
        conditions=[],
        signed_at=timezone.now(),
        state=Commitment.State.BROKEN,
    )
    return {"people": people, "visit": scheduled, "inspection": inspection}


def _call(client: Client, method: str, path: str, world: dict[str, Any]) -> int:
    inspection = world["inspection"]
    url = (
        path.replace("{visit_id}", str(world["visit"].pk))
        .replace("{inspection_id}", str(inspection.pk))
        .replace("{case_id}", str(inspection.case_id))
    )
    if method == "GET":
        return client.get(url).status_code
    client_id = str(uuid.uuid4())
    if path.endswith(("/photos", "/materials")):
        data: dict[str, Any] = {
            "client_id": client_id,
            "file": SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"),
            "taken_at": timezone.now().isoformat(),
            "inspection_id": str(inspection.pk),
            "material_id": str(inspection.case.item.materials.get(name="房屋租赁合同").pk),
        }
        return client.post(url, data).status_code
    bodies = {
        "/entries": {
            "inspection_id": inspection.pk,
            "code": "premises",
            "verdict": "pass",
        },
        "/signatures": {"role": "inspector", "image": signature_png()},
        "/conclude": {"inspection_id": inspection.pk, "result": "pass"},
        "/slot": {"starts_at": timezone.now().isoformat()},
        "/inspectors": {"inspector_ids": [world["people"]["inspector_assigned"].pk]},
        "/revoke": {"reason": "承诺不实"},
        "/certify": {"inspection_id": inspection.pk},
        "/previsit": {},
    }
    body = next(b for suffix, b in bodies.items() if path.endswith(suffix))
    if not path.endswith(("/slot", "/inspectors", "/revoke", "/previsit")):
        body = {"client_id": client_id, **body}
    return client.post(url, json.dumps(body), content_type="application/json").status_code


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
    status = _call(client, method, path, world)
    if user is None:
        assert status == 401, status
    elif persona in allowed:
        assert status not in (401, 403, 404), status
    elif visible_to is not None and persona not in visible_to:
        assert status == 404, status
    else:
        assert status == 403, status
