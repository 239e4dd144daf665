"""The lifecycle through the JSON API: status, body and saved state."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine
from django.test import Client

from tests.cases.conftest import material_id, pdf
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# Deadlines need the year's official calendar on file: travel to a date whose limits stay in
# a year chinesecalendar covers, whatever day the suite runs.
@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=True)
def test_an_application_goes_all_the_way_through_the_api(
    client: Client, item: ServiceItem, zhangsan: User, clerk: User, reviewer: User
) -> None:
    client.force_login(zhangsan)
    created = _post(client, "/api/cases", {"item_code": item.code, "idempotency_key": "abc"})
    assert created.status_code == 200
    case_id = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert created.json()["next_step"] == "请补全材料并提交申请"
    retried = _post(client, "/api/cases", {"item_code": item.code, "idempotency_key": "abc"})
    assert retried.json()["id"] == case_id and Case.objects.count() == 1

    incomplete = client.post(
        f"/api/cases/{case_id}/submit", {"situations": json.dumps({"premises": "rent"})}
    )
    assert incomplete.status_code == 400
    body = incomplete.json()
    assert f"materials.{material_id(item, '申请书')}" in body["errors"]
    assert "请提交“申请书”" in body["detail"]
    assert Case.objects.get(pk=case_id).state == "draft"

    lease = material_id(item, "房屋租赁合同")
    submitted = client.post(
        f"/api/cases/{case_id}/submit",
        {
            "situations": json.dumps({"premises": "rent"}),
            f"material_{material_id(item, '申请书')}": pdf(),
            f"material_{lease}": pdf("合同.pdf"),
        },
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"

    client.force_login(clerk)
    assert _post(client, f"/api/cases/{case_id}/pre-review").json()["state"] == "pre_review"
    corrected = _post(client, f"/api/cases/{case_id}/correction", {"problems": {lease: "缺页"}})
    assert corrected.json()["state"] == "correction"

    client.force_login(zhangsan)
    mine = client.get(f"/api/cases/{case_id}").json()
    assert mine["next_step"] == "请按补正要求重新提交材料"
    lease_row = next(m for m in mine["materials"] if m["material_id"] == lease)
    assert (lease_row["status"], lease_row["correction_note"]) == ("needs_correction", "缺页")
    again = client.post(f"/api/cases/{case_id}/resubmit", {f"material_{lease}": pdf("新.pdf")})
    assert again.json()["state"] == "submitted"

    client.force_login(clerk)
    _post(client, f"/api/cases/{case_id}/pre-review")
    accepted = _post(client, f"/api/cases/{case_id}/accept", {"in_person": False})
    assert accepted.status_code == 200
    assert accepted.json()["number"].startswith("TB")
    assert accepted.json()["promised_due"] is not None
    conflict = _post(client, f"/api/cases/{case_id}/accept", {"in_person": False})
    assert conflict.status_code == 409
    assert "已受理" in conflict.json()["detail"]

    client.force_login(reviewer)
    _post(client, f"/api/cases/{case_id}/review")
    bad = _post(client, f"/api/cases/{case_id}/decide", {"decision": "maybe"})
    assert bad.status_code == 400 and "decision" in bad.json()["errors"]
    _post(client, f"/api/cases/{case_id}/decide", {"decision": "grant"})
    _post(client, f"/api/cases/{case_id}/result")
    client.force_login(clerk)
    _post(client, f"/api/cases/{case_id}/deliver", {"mode": "mail"})
    done = _post(client, f"/api/cases/{case_id}/complete")
    assert done.json()["state"] == "completed"
    actions = [e["action"] for e in done.json()["events"]]
    assert actions[0] == "draft" and actions[-1] == "complete"
    # Staff appear by department, not by name, on the applicant's timeline.
    assert all(e["actor"] != "赵窗口" for e in done.json()["events"])


def test_the_worklists_are_scoped(
    client: Client, submitted: Case, clerk: User, reviewer: User, zhangsan: User
) -> None:
    client.force_login(clerk)
    listed = client.get("/api/cases/worklist").json()
    assert [c["id"] for c in listed["items"]] == [submitted.pk]
    assert listed["items"][0]["applicant"] == "张*"  # masked for staff lists
    client.force_login(reviewer)
    assert client.get("/api/cases/worklist").json()["count"] == 1  # own department
    client.force_login(zhangsan)
    assert client.get("/api/cases/worklist").status_code == 403
    mine = client.get("/api/cases/mine").json()
    assert mine["items"][0]["applicant"] == "张三"
    assert client.get("/api/cases/worklist?due_before=tomorrow").status_code in (400, 403)


def test_state_changes_through_the_api_need_the_csrf_token(zhangsan: User, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(zhangsan)
    response = client.post(
        "/api/cases", json.dumps({"item_code": "x", "idempotency_key": "k"}), "application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"] and "刷新页面" in response.json()["detail"]
    assert not Case.objects.exists()
    assert Client().get("/api/cases/mine").json()["detail"].startswith("请先登录")


def test_staff_see_the_applicant_masked_and_an_audited_reveal_shows_it_all(
    client: Client, submitted: Case, clerk: User, zhangsan: User
) -> None:
    from tongban.core.models import AuditRecord

    client.force_login(clerk)
    page = client.get(f"/workbench/cases/{submitted.pk}/").content.decode()
    assert zhangsan.id_number not in page and zhangsan.id_number[:6] in page
    revealed = client.post(f"/workbench/cases/{submitted.pk}/reveal/").content.decode()
    assert zhangsan.id_number in revealed
    record = AuditRecord.objects.get(action="personal_info.reveal")
    # The case is the object read; the person whose information it is, its subject.
    assert record.object_id == str(submitted.pk) and record.object_type == "cases.case"
    assert record.changes["subject"][1] == zhangsan.pk
    assert "办理办件" in record.changes["reason"][1]
