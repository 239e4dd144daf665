"""Certificates API and pages: an authorisation matrix over every route × persona (a route
without an entry fails), public verification by QR and by upload, the holder's list and file."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Role, User
from tongban.api import api
from tongban.cases.models import Case
from tongban.certificates.models import Certificate
from tongban.core.models import AuditRecord

PERSONAS = (
    "anonymous",
    "holder",
    "other_applicant",
    "clerk",
    "reviewer",
    "other_reviewer",
    "admin",
)
EVERYONE = dict.fromkeys(PERSONAS, "ok")
SIGNED_IN = {**dict.fromkeys(PERSONAS, "ok"), "anonymous": 401}
VIEWERS = {**SIGNED_IN, "other_applicant": 404, "other_reviewer": 404}
REVOKERS = {**VIEWERS, "holder": 403, "clerk": 403}
MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/certificates/verify/{token}"): EVERYONE,
    ("POST", "/api/certificates/verify"): EVERYONE,
    ("GET", "/api/certificates/mine"): SIGNED_IN,
    ("GET", "/api/certificates/{number}/pdf"): VIEWERS,
    ("POST", "/api/certificates/{number}/revoke"): REVOKERS,
}


def test_every_route_is_in_the_matrix() -> None:
    spec = api.get_openapi_schema()
    routes = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/certificates")
        for method in operations
    }
    assert routes == set(MATRIX)


@pytest.fixture
def world(issued: Case, zhangsan: User, clerk: User, reviewer: User) -> dict[str, Any]:
    other_department = DepartmentFactory(code="whlv", name="测试市文化和旅游局", short_name="文旅")
    return {
        "certificate": Certificate.objects.get(case=issued),
        "people": {
            "holder": zhangsan,
            "other_applicant": UserFactory(roles=[Role.APPLICANT]),
            "clerk": clerk,
            "reviewer": reviewer,
            "other_reviewer": UserFactory(department=other_department, roles=[Role.REVIEWER]),
            "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
        },
    }


def _call(persona: str, method: str, path: str, world: dict[str, Any]) -> Any:
    client = Client()
    if persona in world["people"]:
        client.force_login(world["people"][persona])
    certificate: Certificate = world["certificate"]
    url = path.replace("{token}", certificate.token).replace("{number}", certificate.number)
    if path.endswith("/verify"):
        upload = SimpleUploadedFile("c.pdf", bytes(certificate.pdf), "application/pdf")
        return client.post(url, {"file": upload})
    if method == "POST":
        return client.post(url, json.dumps({"reason": "测试撤销"}), "application/json")
    return client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(route: tuple[str, str], persona: str, world: Any) -> None:
    expected = MATRIX[route][persona]
    status = _call(persona, *route, world).status_code
    if expected == "ok":
        assert status == 200, status
    else:
        assert status == expected, status


def test_public_verification_by_qr_and_by_upload(world: Any) -> None:
    certificate: Certificate = world["certificate"]
    client = Client()
    page = client.get(f"/certificates/verify/{certificate.token}/").content.decode()
    assert 'data-status="valid"' in page and certificate.number in page
    assert 'class="badge ok"' in page
    assert "张三" not in page and "张*" in page  # a person's name is masked in public
    upload = SimpleUploadedFile("c.pdf", bytes(certificate.pdf), "application/pdf")
    page = client.post("/certificates/verify/", {"file": upload}).content.decode()
    assert 'data-status="valid"' in page
    data = bytearray(certificate.pdf)
    data[len(data) // 2] ^= 0x01
    upload = SimpleUploadedFile("c.pdf", bytes(data), "application/pdf")
    page = client.post("/certificates/verify/", {"file": upload}).content.decode()
    assert 'data-status="tampered"' in page
    assert 'class="badge bad"' in page  # a failure shows red, not as a warning
    response = client.post("/certificates/verify/", {})
    assert response.status_code == 400 and "请选择要核验的证照文件" in response.content.decode()
    response = client.post("/api/certificates/verify", {})
    assert response.status_code in (400, 422)
    assert client.get("/certificates/verify/no-such-token/").status_code == 404


def test_the_holder_lists_and_downloads_and_the_read_is_audited(world: Any) -> None:
    certificate: Certificate = world["certificate"]
    client = Client()
    client.force_login(world["people"]["holder"])
    page = client.get("/my/certificates/").content.decode()
    assert certificate.number in page and "有效" in page
    case_page = client.get(f"/my/cases/{certificate.case_id}/").content.decode()
    assert f"/my/certificates/{certificate.number}.pdf" in case_page
    response = client.get(f"/my/certificates/{certificate.number}.pdf")
    assert response.status_code == 200 and response.content == bytes(certificate.pdf)
    assert AuditRecord.objects.filter(
        action="certificates.download", object_id=str(certificate.pk)
    ).exists()
    stranger = Client()
    stranger.force_login(world["people"]["other_applicant"])
    assert stranger.get(f"/my/certificates/{certificate.number}.pdf").status_code == 404
    listing = stranger.get("/api/certificates/mine").json()
    assert listing == []
