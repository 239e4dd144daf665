"""Authorisation matrix: which role may do what, on which object."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tongban.accounts.models import User
from tongban.accounts.services import personal_info_masked, personal_info_reveal
from tongban.core.models import AuditRecord

ROLES = ["zhangsan", "agent", "clerk", "reviewer", "manager", "steward", "admin_user"]

MATRIX = {
    # permission: roles that hold it (on another person's record where it applies)
    "accounts.view_personal_info": {"clerk", "reviewer", "admin_user"},
    "accounts.manage_devices": {"manager", "admin_user"},
    "accounts.manage_users": {"admin_user"},
    "core.manage_calendar": {"admin_user"},
    "core.view_audit": {"admin_user"},
    "catalog.manage_items": {"manager", "admin_user"},
    "catalog.view_overview": {"manager", "admin_user"},
}


@pytest.mark.parametrize("permission", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(
    request: pytest.FixtureRequest, role: str, permission: str, db: None
) -> None:
    user: User = request.getfixturevalue(role)
    other = (
        request.getfixturevalue("zhangsan")
        if role != "zhangsan"
        else request.getfixturevalue("agent")
    )
    assert user.has_perm(permission, other) is (role in MATRIX[permission])


def test_everyone_may_see_their_own_personal_information(zhangsan: User) -> None:
    assert zhangsan.has_perm("accounts.view_personal_info", zhangsan)


def test_an_inactive_clerk_loses_access(clerk: User, zhangsan: User) -> None:
    clerk.is_active = False
    clerk.save()
    assert not clerk.has_perm("accounts.view_personal_info", zhangsan)


def test_revealing_personal_information_is_audited(clerk: User, zhangsan: User) -> None:
    masked = personal_info_masked(zhangsan)
    assert masked["id_number"] != zhangsan.id_number
    assert masked["id_number"].startswith(zhangsan.id_number[:6])
    assert masked["id_number"].endswith(zhangsan.id_number[-4:])
    full = personal_info_reveal(viewer=clerk, subject=zhangsan, reason="窗口受理核验身份")
    assert full["id_number"] == zhangsan.id_number
    record = AuditRecord.objects.get(action="personal_info.reveal")
    assert record.object_id == str(zhangsan.pk)
    assert record.changes["reason"][1] == "窗口受理核验身份"


def test_an_applicant_cannot_reveal_anothers_information(agent: User, zhangsan: User) -> None:
    with pytest.raises(PermissionDenied):
        personal_info_reveal(viewer=agent, subject=zhangsan, reason="好奇")
    assert not AuditRecord.objects.filter(action="personal_info.reveal").exists()


def test_the_account_page_and_api_mask_by_default(client: Client, zhangsan: User) -> None:
    client.force_login(zhangsan)
    page = client.get("/accounts/me/").content.decode()
    assert zhangsan.id_number not in page
    assert zhangsan.id_number[:6] in page
    body = client.get("/api/accounts/me").json()
    assert body["id_number"] == personal_info_masked(zhangsan)["id_number"]
    assert body["masked"] is True
    revealed = client.post("/accounts/me/reveal/", {"reason": "本人查看"}).content.decode()
    assert zhangsan.id_number in revealed
    assert AuditRecord.objects.filter(action="personal_info.reveal").count() == 1


def test_the_admin_opens_the_catalog_to_hall_managers_and_everything_to_administrators(
    request: pytest.FixtureRequest, db: None
) -> None:
    from tongban.accounts.services import user_create

    manager = user_create(
        username="mgr",
        password="a-long-enough-passphrase",
        real_name="大厅",
        roles=["hall_manager"],
    )
    administrator = user_create(
        username="adm",
        password="a-long-enough-passphrase",
        real_name="管理",
        roles=["administrator"],
    )
    applicant = user_create(username="app", password="a-long-enough-passphrase", real_name="民")
    client = Client()
    client.force_login(manager)
    assert client.get("/admin/catalog/serviceitem/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    client.force_login(administrator)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/core/calendaryear/").status_code == 200
    client.force_login(applicant)
    assert client.get("/admin/catalog/serviceitem/").status_code == 302
