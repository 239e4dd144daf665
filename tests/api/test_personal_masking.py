"""One masking policy at the API's boundary: every GET operation, called as every staff role
of the demo city, answers no person's full ID number, phone or address; a reveal is an
audited action of the roles that need it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client

from tongban.accounts.models import Enterprise, Role, User
from tongban.api import api
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import item_version
from tongban.certificates.models import Certificate
from tongban.core.models import AuditRecord
from tongban.field.models import Commitment, FieldVisit, Inspection
from tongban.floorplans.models import FloorPlan
from tongban.forms.models import FilledForm
from tongban.forms.personal import form_data_masked, personal_keys
from tongban.forms.schema import parse_schema
from tongban.forms.services import item_form
from tongban.hall.models import Hall, QueueCategory, Ticket
from tongban.hall.presenters import ticket_token
from tongban.projects.models import Project
from tongban.ratings.models import Rating

pytestmark = pytest.mark.slow

STAFF_ROLES = sorted(set(Role) - {Role.APPLICANT, Role.AGENT})


def _values(schema_keys: set[str], data: dict[str, Any]) -> Iterable[str]:
    for key in schema_keys:
        head, _, column = key.partition(".")
        value = data.get(head)
        if column and isinstance(value, list):
            yield from (str(row.get(column, "")) for row in value if isinstance(row, dict))
        elif not column and value:
            yield str(value)


def personal_values() -> dict[str, int]:
    """Every full personal value on file, with the person it belongs to."""
    owned: dict[str, int] = {}
    for user in User.objects.all():
        for value in (user.id_number, user.phone):
            if value and len(value) >= 7:
                owned[value] = user.pk
    # An enterprise's registered address is public (企业信用信息公示), not a person's.
    public = set(Enterprise.objects.values_list("address", flat=True))
    for case in Case.objects.exclude(form_data={}).select_related("item"):
        keys = personal_keys(item_form(item_version(case.item_id)))
        for value in _values(keys, case.form_data):
            if len(value) >= 7 and value not in public:
                owned[value] = case.applicant_id
    return owned


def _providers(viewer: User) -> dict[str, Callable[[], list[str]]]:
    """Sample values for each path and query parameter of a GET operation, by the path's
    start and the parameter's name. A new GET operation with a parameter not named here
    fails the walk, so the walk keeps covering every operation."""
    hall = Hall.objects.first()
    return {
        "/api/cases/{case_id}:case_id": lambda: [
            str(pk) for pk in Case.objects.exclude(form_data={}).values_list("pk", flat=True)[:12]
        ],
        "/api/delivery/cases/{case_id}:case_id": lambda: [
            str(pk) for pk in Case.objects.values_list("pk", flat=True)[:6]
        ],
        "/api/bundles/cases/{bundle_case_id}:bundle_case_id": lambda: [
            str(pk) for pk in BundleCase.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/catalog/items/{code}:code": lambda: list(
            ServiceItem.objects.values_list("code", flat=True).distinct()[:3]
        ),
        "/api/forms/items/{code}:code": lambda: list(
            ServiceItem.objects.exclude(form={}).values_list("code", flat=True).distinct()[:3]
        ),
        "/api/hall/halls/{code}:code": lambda: [hall.code] if hall else [],
        "/api/hall/halls/{code}/calls:code": lambda: [hall.code] if hall else [],
        "/api/hall/halls/{code}/slots:code": lambda: [hall.code] if hall else [],
        "/api/hall/halls/{code}/slots:category": lambda: [
            str(pk) for pk in QueueCategory.objects.values_list("pk", flat=True)[:2]
        ],
        "/api/hall/tickets/{token}:token": lambda: [
            ticket_token(t) for t in Ticket.objects.all()[:3]
        ],
        "/api/forms/filled/{reference}:reference": lambda: list(
            FilledForm.objects.values_list("reference", flat=True)[:2]
        ),
        "/api/certificates/verify/{token}:token": lambda: list(
            Certificate.objects.values_list("token", flat=True)[:3]
        ),
        "/api/certificates/{number}/pdf:number": lambda: list(
            Certificate.objects.values_list("number", flat=True)[:2]
        ),
        "/api/guide/search:q": lambda: ["社保卡", "张三 身份证"],
        "/api/ratings/{rating_id}:rating_id": lambda: [
            str(pk) for pk in Rating.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/field/visits/{visit_id}:visit_id": lambda: [
            str(pk) for pk in FieldVisit.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/field/inspections/{inspection_id}:inspection_id": lambda: [
            str(pk) for pk in Inspection.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/projects/{project_id}:project_id": lambda: [
            str(pk) for pk in Project.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/field/commitments/{case_id}:case_id": lambda: [
            str(pk) for pk in Commitment.objects.values_list("case_id", flat=True)[:3]
        ],
        "/api/floorplans/rules/{code}:code": lambda: ["national", "xian"],
        "/api/floorplans/{plan_id}:plan_id": lambda: [
            str(pk) for pk in FloorPlan.objects.values_list("pk", flat=True)[:3]
        ],
        "/api/floorplans/{plan_id}/comments:plan_id": lambda: [
            str(pk) for pk in FloorPlan.objects.values_list("pk", flat=True)[:3]
        ],
    }


def get_calls(viewer: User) -> list[str]:
    providers = _providers(viewer)
    calls = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        needed = [p for p in operations["get"].get("parameters", []) if p.get("required")]
        urls = [path]
        for parameter in needed:
            provider = providers.get(f"{path}:{parameter['name']}")
            assert provider is not None, f"the walk has no values for {path} {parameter['name']}"
            values = provider() or ["1"]
            expanded = []
            for url in urls:
                for value in values:
                    if parameter["in"] == "path":
                        expanded.append(url.replace("{" + parameter["name"] + "}", value))
                    else:
                        joiner = "&" if "?" in url else "?"
                        expanded.append(f"{url}{joiner}{parameter['name']}={value}")
            urls = expanded
        calls.extend(urls)
    return calls


@pytest.fixture
def kiosk_form(demo_city_with_cases: None) -> FilledForm:
    case = Case.objects.exclude(form_data={}).select_related("item").first()
    assert case is not None
    return FilledForm.objects.create(
        reference="K-TEST-0001",
        item=case.item,
        situations=case.situations,
        data=case.form_data,
        sources={},
        idempotency_key="walk-1",
    )


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_api_answer_shows_staff_a_full_personal_value(
    client: Client, kiosk_form: FilledForm, role: str
) -> None:
    owned = personal_values()
    assert len(owned) > 20  # the demo city's people and forms are on file
    pattern = re.compile("|".join(re.escape(v) for v in sorted(owned, key=len, reverse=True)))
    viewers = [u for u in User.objects.all() if role in u.role_set()]
    assert viewers
    leaks = []
    walked = 0
    for viewer in viewers:
        client.force_login(viewer)
        for url in get_calls(viewer):
            answer = client.get(url)
            if not answer.get("Content-Type", "").startswith("application/json"):
                continue
            walked += answer.status_code == 200
            text = json.dumps(answer.json(), ensure_ascii=False)
            leaks += [
                (viewer.username, url, found)
                for found in pattern.findall(text)
                if owned[found] != viewer.pk
            ]
    assert walked > 10
    assert not leaks, leaks[:8]


def test_the_case_form_is_masked_for_staff_and_whole_for_its_applicant(
    client: Client, demo_city_with_cases: None
) -> None:
    case = next(
        c
        for c in Case.objects.exclude(form_data={}).select_related("applicant")
        if "contact_id_number" in c.form_data
    )
    full = case.form_data["contact_id_number"]
    clerk = User.objects.get(username="clerk")
    client.force_login(clerk)
    seen = client.get(f"/api/cases/{case.pk}").json()
    assert seen["form_masked"] is True
    assert seen["form_data"]["contact_id_number"] != full
    assert seen["form_data"]["contact_id_number"][:6] == full[:6]
    client.force_login(case.applicant)
    own = client.get(f"/api/cases/{case.pk}").json()
    assert own["form_data"]["contact_id_number"] == full and own["form_masked"] is False


def test_a_reveal_is_audited_with_its_reason_and_refused_without_one(
    client: Client, demo_city_with_cases: None
) -> None:
    case = next(
        c
        for c in Case.objects.exclude(form_data={}).select_related("applicant")
        if "contact_id_number" in c.form_data
    )
    clerk = User.objects.get(username="clerk")
    client.force_login(clerk)
    refused = client.post(
        f"/api/cases/{case.pk}/reveal", data={"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    before = AuditRecord.objects.filter(action="personal_info.reveal").count()
    answer = client.post(
        f"/api/cases/{case.pk}/reveal",
        data={"reason": "核对申请人身份"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["form_data"]["contact_id_number"] == case.form_data["contact_id_number"]
    assert body["applicant_personal"]["id_number"] == case.applicant.id_number
    record = AuditRecord.objects.filter(action="personal_info.reveal").latest("pk")
    assert AuditRecord.objects.filter(action="personal_info.reveal").count() == before + 1
    assert record.object_id == str(case.pk) and record.actor_label == clerk.username
    assert "form.contact_id_number" in record.changes["fields"][1]
    assert record.changes["reason"][1] == "核对申请人身份"


def test_a_role_that_does_not_need_personal_information_cannot_reveal(
    client: Client, demo_city_with_cases: None
) -> None:
    case = Case.objects.exclude(form_data={}).first()
    assert case is not None
    client.force_login(User.objects.get(username="manager"))
    answer = client.post(
        f"/api/cases/{case.pk}/reveal", data={"reason": "看看"}, content_type="application/json"
    )
    assert answer.status_code in (403, 404)


def test_masking_follows_the_field_types_tables_and_unknown_keys() -> None:
    schema = parse_schema(
        {
            "title": "表",
            "sections": [
                {
                    "title": "一",
                    "fields": [
                        {"key": "who", "label": "姓名", "type": "text"},
                        {"key": "id", "label": "证件号", "type": "id_number"},
                        {"key": "tel", "label": "电话", "type": "phone"},
                        {"key": "home", "label": "住址", "type": "address"},
                        {
                            "key": "staff",
                            "label": "从业人员",
                            "type": "table",
                            "columns": [
                                {"key": "name", "label": "姓名", "type": "text"},
                                {"key": "id", "label": "证件号", "type": "id_number"},
                            ],
                        },
                    ],
                }
            ],
        }
    )
    masked = form_data_masked(
        schema,
        {
            "who": "测试甲",
            "id": "11010519491231002X",
            "tel": "13800000000",
            "home": "陕西省西安市碑林区测试路1号",
            "staff": [{"name": "测试乙", "id": "110105194912310029"}],
            "old_field": "110105194912310045",
            "note": "普通文字",
        },
    )
    assert masked["who"] == "测试甲" and masked["note"] == "普通文字"
    assert masked["id"] == "110105********002X"
    assert masked["tel"] == "138****0000"
    assert masked["home"].startswith("陕西省西安市") and "测试路" not in masked["home"]
    assert masked["staff"][0] == {"name": "测试乙", "id": "110105********0029"}
    assert masked["old_field"] == "110105********0045"


def test_the_workbench_shows_the_form_masked_until_an_audited_reveal(
    client: Client, demo_city_with_cases: None
) -> None:
    from django.urls import reverse

    case = next(
        c
        for c in Case.objects.exclude(form_data={}).exclude(state="draft")
        if "contact_id_number" in c.form_data
    )
    full = case.form_data["contact_id_number"]
    client.force_login(User.objects.get(username="clerk"))
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="form-view"' in page and 'data-testid="form-masked"' in page
    assert full not in page and full[:6] + "*" in page
    revealed = client.post(reverse("cases:reveal", args=[case.pk])).content.decode()
    assert full in revealed and 'data-testid="form-masked"' not in revealed
    assert AuditRecord.objects.filter(
        action="personal_info.reveal", object_id=str(case.pk)
    ).exists()
