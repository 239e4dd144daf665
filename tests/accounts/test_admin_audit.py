"""Writes made through the admin land in the audit chain, without personal data in clear."""

from __future__ import annotations

from django.test import Client

from tongban.accounts.models import Department, DeviceIdentity, User
from tongban.accounts.services import user_create
from tongban.core.audit import audit_verify
from tongban.core.models import AuditRecord


def _administrator() -> User:
    return user_create(
        username="adm",
        password="a-long-enough-passphrase",
        real_name="管理",
        roles=["administrator"],
    )


def test_a_department_added_in_the_admin_is_audited(client: Client, db: None) -> None:
    client.force_login(_administrator())
    response = client.post(
        "/admin/accounts/department/add/",
        {
            "code": "mzj",
            "name": "测试市民政局",
            "short_name": "民政",
            "region_code": "610100",
            "credit_code": "",
            "order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    department = Department.objects.get(code="mzj")
    record = AuditRecord.objects.get(action="admin.add", object_id=str(department.pk))
    assert record.changes["name"] == [None, "测试市民政局"]
    assert record.actor_label == "adm"
    assert audit_verify().ok


def test_a_bad_region_code_in_the_admin_is_refused_in_chinese(client: Client, db: None) -> None:
    client.force_login(_administrator())
    response = client.post(
        "/admin/accounts/department/add/",
        {"code": "x", "name": "某局", "short_name": "某", "region_code": "619999", "order": 1},
    )
    assert response.status_code == 200
    assert "行政区划代码619999不存在" in response.content.decode()
    assert not Department.objects.filter(code="x").exists()


def test_a_device_added_in_the_admin_gets_a_key_shown_once(client: Client, db: None) -> None:
    client.force_login(_administrator())
    response = client.post(
        "/admin/accounts/deviceidentity/add/",
        {"kind": "kiosk", "name": "自助机09", "location": "二楼"},
        follow=True,
    )
    assert response.status_code == 200
    device = DeviceIdentity.objects.get(name="自助机09")
    assert device.key_id and device.key_hash
    assert f"{device.key_id}." in response.content.decode()
    assert AuditRecord.objects.filter(action="device.register", object_id=str(device.pk)).exists()


def test_sign_ins_and_failures_are_audited_without_the_password(client: Client, db: None) -> None:
    _administrator()
    client.post("/accounts/login/", {"username": "adm", "password": "wrong-password-xyz"})
    client.post("/accounts/login/", {"username": "adm", "password": "a-long-enough-passphrase"})
    actions = list(
        AuditRecord.objects.filter(action__startswith="auth.").values_list("action", flat=True)
    )
    assert actions == ["auth.login.failed", "auth.login"]
    assert "wrong-password" not in str(list(AuditRecord.objects.values_list("changes", flat=True)))
