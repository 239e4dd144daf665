"""The forms admin: a draft's form edited as JSON, checked on save, previewed; a published
version is frozen; applicants are kept out."""

from __future__ import annotations

import json

from django.test import Client

from tests.factories import ServiceItemFactory
from tests.forms.test_schema import FORM
from tongban.accounts.models import Department, User
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditRecord


def test_a_draft_form_is_checked_on_save_and_previewed(
    department: Department, manager: User, zhangsan: User
) -> None:
    item = ServiceItemFactory(with_guide=True, department=department, state=ServiceItem.State.DRAFT)
    manager.is_staff = True  # as user_create sets it for the role
    manager.save()
    client = Client()
    client.force_login(manager)
    url = f"/admin/tbforms/itemform/{item.pk}/change/"
    broken = {"sections": [{"title": "x", "fields": [{"key": "a", "label": "", "type": "text"}]}]}
    page = client.post(url, {"form": json.dumps(broken)}).content.decode()
    assert "缺少中文标签 label" in page
    ok = {
        "title": "申请表",
        "sections": [{"title": "申请人", "fields": FORM["sections"][0]["fields"][:3]}],
    }
    assert client.post(url, {"form": json.dumps(ok, ensure_ascii=False)}).status_code == 302
    item.refresh_from_db()
    assert item.form == ok
    assert AuditRecord.objects.filter(action="admin.change", object_id=str(item.pk)).exists()
    preview = client.get(url).content.decode()
    assert 'name="f_id_number"' in preview and "profile.real_name" in preview
    client.force_login(zhangsan)
    assert client.get(url).status_code == 302


def test_a_published_version_is_read_only(department: Department, manager: User) -> None:
    item = ServiceItemFactory(with_guide=True, department=department)
    manager.is_staff = True  # as user_create sets it for the role
    manager.save()
    client = Client()
    client.force_login(manager)
    url = f"/admin/tbforms/itemform/{item.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"form": json.dumps(FORM)})
    item.refresh_from_db()
    assert item.form == {}
