"""Forms API: an authorisation matrix over every route × persona (a route without an entry
fails), and what each route answers."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.factories import ServiceItemFactory, UserFactory
from tests.forms.test_schema import FORM, ID
from tongban.accounts.models import Department, DeviceIdentity, Role, User
from tongban.accounts.services import device_register, device_revoke
from tongban.api import api
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditRecord
from tongban.forms.models import FilledForm
from tongban.forms.services import filled_form_save

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "documents"
PEOPLE = ("applicant", "clerk", "manager", "reviewer", "admin")
DEVICES = ("kiosk", "revoked_kiosk", "board")
PERSONAS = ("anonymous", *PEOPLE, *DEVICES)
EVERYONE = dict.fromkeys(PERSONAS, "ok")
PERSON_OR_KIOSK = {
    "anonymous": 401,
    **dict.fromkeys(PEOPLE, "ok"),
    "kiosk": "ok",
    "revoked_kiosk": 401,
    "board": 403,
}
MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/forms/items/{code}"): EVERYONE,
    ("POST", "/api/forms/items/{code}/validate"): PERSON_OR_KIOSK,
    ("POST", "/api/forms/items/{code}/pdf"): PERSON_OR_KIOSK,
    ("POST", "/api/forms/read"): PERSON_OR_KIOSK,
    # Chip data comes only from a kiosk's reader, never from a person's browser.
    ("POST", "/api/forms/read/chip"): {
        **dict.fromkeys(("anonymous", *PEOPLE, "revoked_kiosk"), 401),
        "kiosk": "ok",
        "board": 403,
    },
    # A kiosk-filled form holds personal information: window staff only.
    ("GET", "/api/forms/filled/{reference}"): {
        "anonymous": 401,
        "applicant": 403,
        "reviewer": 403,
        "clerk": "ok",
        "manager": "ok",
        "admin": "ok",
        **dict.fromkeys(DEVICES, 401),
    },
}
DATA = {"name": "张测试", "id_number": ID, "staff": [{"name": "李测试"}]}


def api_routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/forms")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert api_routes() == set(MATRIX)


@pytest.fixture
def form_item(department: Department) -> ServiceItem:
    item = ServiceItemFactory(with_guide=True, department=department, audience="person")
    item.form = FORM
    item.save(update_fields=["form"])
    return item


@pytest.fixture
def world(
    form_item: ServiceItem, zhangsan: User, clerk: User, manager: User, reviewer: User
) -> Any:
    kiosk = device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机")
    revoked = device_register(kind=DeviceIdentity.Kind.KIOSK, name="已吊销")
    device_revoke(device=revoked.device)
    board = device_register(kind=DeviceIdentity.Kind.DISPLAY, name="叫号屏")
    filled = filled_form_save(
        item=form_item,
        situations={"business": "sale"},
        data=DATA,
        sources={},
        device=kiosk.device,
        idempotency_key="f1",
    )
    return {
        "item": form_item,
        "reference": filled.reference,
        "people": {
            "applicant": zhangsan,
            "clerk": clerk,
            "manager": manager,
            "reviewer": reviewer,
            "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
        },
        "keys": {"kiosk": kiosk.api_key, "revoked_kiosk": revoked.api_key, "board": board.api_key},
    }


def _client(persona: str, world: Any) -> tuple[Client, dict[str, str]]:
    client = Client()
    if persona in world["people"]:
        client.force_login(world["people"][persona])
        return client, {}
    if persona in world["keys"]:
        return client, {"Authorization": f"Device {world['keys'][persona]}"}
    return client, {}


def _call(client: Client, method: str, path: str, world: Any, headers: dict[str, str]) -> Any:
    url = path.replace("{code}", world["item"].code).replace("{reference}", world["reference"])
    if path.endswith("/read"):
        image = (SAMPLES / "card000-front-clean.png").read_bytes()
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("card.png", image, content_type="image/png")
        return client.post(url, {"document": upload}, headers=headers)
    if method == "POST":
        body = {"situations": {"business": "sale"}, "data": DATA}
        if path.endswith("/chip"):
            body = {
                "name": "张测试",
                "id_number": DATA["id_number"],
                "birth": "19900517",
                "sex": "男",
            }
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)
    return client.get(url, headers=headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(route: tuple[str, str], persona: str, world: Any) -> None:
    if route[1].endswith("/read"):
        pytest.importorskip("rapidocr")
    method, path = route
    expected = MATRIX[route][persona]
    client, headers = _client(persona, world)
    status = _call(client, method, path, world, headers).status_code
    if expected == "ok":
        assert status not in (401, 403, 404), status
    else:
        assert status == expected, status


def test_the_definition_validation_and_pdf(world: Any) -> None:
    client, _ = _client("applicant", world)
    code = world["item"].code
    spec = client.get(f"/api/forms/items/{code}").json()
    assert [f["key"] for f in spec["sections"][0]["fields"]][:2] == ["name", "id_number"]
    assert spec["sections"][0]["fields"][1]["type_label"] == "公民身份号码"
    bad = client.post(
        f"/api/forms/items/{code}/validate",
        json.dumps({"situations": {}, "data": {"id_number": "123"}}),
        content_type="application/json",
    ).json()
    assert (
        bad["valid"] is False and "form.name" in bad["errors"] and "form.id_number" in bad["errors"]
    )
    refused = _call(client, "POST", "/api/forms/items/{code}/pdf", world, {})
    assert refused["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(refused.content)).pages)
    assert "张测试" in text and "测试申请表" in "".join(text.split())
    invalid = client.post(
        f"/api/forms/items/{code}/pdf",
        json.dumps({"situations": {}, "data": {}}),
        content_type="application/json",
    )
    assert invalid.status_code == 400 and "请填写姓名" in invalid.content.decode()


def test_reading_a_photo_through_the_api(world: Any) -> None:
    pytest.importorskip("rapidocr")
    client, headers = _client("kiosk", world)
    reading = _call(client, "POST", "/api/forms/read", world, headers).json()
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    expected = next(r for r in manifest if r["file"] == "card000-front-clean.png")["expected"]
    assert reading["valid"] is True
    assert {k: reading["fields"][k]["value"] for k in expected} == expected
    from django.core.files.uploadedfile import SimpleUploadedFile

    menu = SimpleUploadedFile("menu.png", (SAMPLES / "not-a-document.png").read_bytes())
    refused = client.post("/api/forms/read", {"document": menu}, headers=headers)
    assert refused.status_code == 400 and "未识别到居民身份证" in refused.content.decode()
    assert AuditRecord.objects.filter(action="forms.document_read").count() == 1


def test_window_staff_fetch_a_kiosk_form_by_reference_and_the_read_is_audited(world: Any) -> None:
    client, _ = _client("clerk", world)
    got = client.get(f"/api/forms/filled/{world['reference'].lower()}").json()
    # Masked like every reading of personal information; the window prints it whole.
    full = DATA["id_number"]
    assert got["data"]["id_number"] == full[:6] + "*" * (len(full) - 10) + full[-4:]
    assert AuditRecord.objects.filter(action="forms.filled_form_read").count() == 1
    assert client.get("/api/forms/filled/F000000XXXXX").status_code == 404


def test_a_retried_kiosk_save_keeps_one_form_and_old_forms_are_purged(world: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from tongban.forms.services import filled_forms_purge

    again = filled_form_save(
        item=world["item"], situations={}, data=DATA, sources={}, device=None, idempotency_key="f1"
    )
    assert again.reference == world["reference"] and FilledForm.objects.count() == 1
    FilledForm.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    assert filled_forms_purge() == "删除过期自助申请表 1 份"
    assert not FilledForm.objects.exists()


def test_an_oversized_photo_is_refused_without_being_read_whole(world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, headers = _client("kiosk", world)
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024 + 10))
    refused = client.post("/api/forms/read", {"document": big}, headers=headers)
    assert refused.status_code == 400 and "10MB" in refused.content.decode()
