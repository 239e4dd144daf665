"""Prefill from the registered sources (account, exchange, earlier cases), the source shown and
a locked field kept, and submission validated by the item's form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import material_id, pdf
from tests.factories import DepartmentFactory, ServiceItemFactory, shared_resource
from tongban.accounts.models import Department, User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.forms import case_form_prefill
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.checks import item_check
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditRecord
from tongban.exchange.models import AccessLog
from tongban.forms.prefill import prefill_keys

FORM = {
    "title": "测试申请书",
    "sections": [
        {
            "title": "申请人",
            "fields": [
                {
                    "key": "contact_name",
                    "label": "姓名",
                    "type": "text",
                    "required": True,
                    "prefill": ["profile.real_name"],
                },
                {
                    "key": "contact_id_number",
                    "label": "公民身份号码",
                    "type": "id_number",
                    "required": True,
                    "prefill": ["profile.id_number"],
                    "editable_when_prefilled": False,
                },
                {
                    "key": "home",
                    "label": "户籍地址",
                    "type": "address",
                    "prefill": ["exchange.person.address"],
                },
                {
                    "key": "phone",
                    "label": "联系电话",
                    "type": "phone",
                    "required": True,
                    "prefill": ["profile.phone", "cases.phone"],
                },
                {
                    "key": "premises_area",
                    "label": "面积",
                    "type": "number",
                    "required": True,
                    "min": 1,
                    "prefill": ["cases.premises_area"],
                },
                {
                    "key": "lease_no",
                    "label": "租赁备案号",
                    "type": "text",
                    "required": True,
                    "visible_when": {"situation": "premises", "in": ["rent"]},
                },
            ],
        }
    ],
}


@pytest.fixture
def form_item(department: Department, zhangsan: User) -> ServiceItem:
    """An item with the test form; the population register shares 张三's address with the
    item's department (in the clear) and his property certificate."""
    provider = DepartmentFactory(code="gaj", name="公安局", short_name="公安")
    shared_resource(
        "res.population",
        provider=provider,
        consumer=department,
        fields=(("name", "姓名", "none"), ("address", "户籍地址", "none")),
        records={
            str(zhangsan.id_number): {"name": "张三", "address": "陕西省西安市碑林区测试巷3号"}
        },
    )
    shared_resource(
        "res.real_estate",
        provider=DepartmentFactory(code="zrzy", name="自然资源局", short_name="自然资源"),
        consumer=department,
        records={str(zhangsan.id_number): {"certificate_no": "陕测试0001", "owner": "张三"}},
    )
    item = ServiceItemFactory(with_guide=True, department=department, audience="person")
    item.form = FORM
    item.save(update_fields=["form"])
    return item


def _draft(item: ServiceItem, user: User, key: str = "k") -> Case:
    return case_save_draft(
        actor=user,
        code=item.code,
        applicant=user,
        idempotency_key=key,
        situations={"premises": "rent"},
    )


def _files(item: ServiceItem) -> dict[int, Any]:
    return {material_id(item, "申请书"): pdf(), material_id(item, "房屋租赁合同"): pdf("租赁.pdf")}


def test_the_form_is_prefilled_once_with_each_source_named(
    form_item: ServiceItem, zhangsan: User
) -> None:
    zhangsan.phone = "13900000001"
    zhangsan.save()
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    assert case.form_data["contact_name"] == "张三"
    assert case.form_data["contact_id_number"] == zhangsan.id_number
    assert case.form_data["home"] == "陕西省西安市碑林区测试巷3号"
    assert case.form_data["phone"] == "13900000001"
    assert case.form_prefill["home"] == {
        "source": "exchange",
        "label": "数据共享",
        "editable": True,
    }
    assert case.form_prefill["contact_id_number"]["editable"] is False
    # The exchange read is logged like any other; a second view does not ask again.
    logged = AccessLog.objects.count()
    case_form_prefill(case=case, actor=zhangsan)
    assert AccessLog.objects.count() == logged
    assert (
        AuditRecord.objects.filter(action="case.form_prefill", object_id=str(case.pk)).count() == 1
    )


def test_without_a_grant_the_exchange_fills_nothing(
    form_item: ServiceItem, zhangsan: User, department: Department
) -> None:
    from tongban.exchange.models import AccessGrant

    AccessGrant.objects.filter(resource__code="res.population").update(
        state=AccessGrant.State.REVOKED
    )
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    assert "home" not in case.form_data


def test_a_submission_is_checked_against_the_form_and_stays_a_draft(
    form_item: ServiceItem, zhangsan: User
) -> None:
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    with pytest.raises(ValidationError) as caught:
        case_submit(case=case, actor=zhangsan, files={}, form_data={"premises_area": "0"})
    errors = caught.value.message_dict
    assert errors["form.premises_area"] == ["面积：不得小于1"]
    assert any(k.startswith("materials.") for k in errors)  # and the materials, in one answer
    assert errors["form.lease_no"] == ["请填写租赁备案号"]
    assert errors["form.phone"] == ["请填写联系电话"]
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_a_locked_prefilled_field_keeps_the_source_value(
    form_item: ServiceItem, zhangsan: User
) -> None:
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    posted = {
        **case.form_data,
        "contact_id_number": "110101199003077777",  # somebody else's number
        "phone": "13900000002",
        "premises_area": "80",
        "lease_no": "ZL-0001",
        "home": "陕西省西安市碑林区另一处1号",  # editable: the applicant may correct it
    }
    case = case_submit(case=case, actor=zhangsan, files=_files(form_item), form_data=posted)
    assert case.state == CaseState.SUBMITTED
    assert case.form_data["contact_id_number"] == zhangsan.id_number
    assert case.form_data["home"] == "陕西省西安市碑林区另一处1号"


def test_earlier_cases_fill_what_the_account_does_not_know(
    form_item: ServiceItem, zhangsan: User
) -> None:
    zhangsan.phone = ""
    zhangsan.save()
    first = case_form_prefill(case=_draft(form_item, zhangsan, "k1"), actor=zhangsan)
    case_submit(
        case=first,
        actor=zhangsan,
        files=_files(form_item),
        form_data={
            **first.form_data,
            "phone": "13900000003",
            "premises_area": "66",
            "lease_no": "A",
        },
    )
    second = case_form_prefill(case=_draft(form_item, zhangsan, "k2"), actor=zhangsan)
    assert second.form_data["phone"] == "13900000003"
    assert second.form_data["premises_area"] == "66"
    assert second.form_prefill["phone"]["label"] == "以往办件"


def test_a_broken_form_blocks_publication(form_item: ServiceItem) -> None:
    form_item.form = {
        "sections": [
            {
                "title": "x",
                "fields": [{"key": "a", "label": "甲", "type": "text", "prefill": ["nowhere.x"]}],
            }
        ]
    }
    findings = [f for f in item_check(form_item) if f.field == "form"]
    assert findings and findings[0].blocking
    assert "预填来源“nowhere.x”不存在" in findings[0].message
    assert "profile.real_name" in prefill_keys() and "exchange.person.address" in prefill_keys()


def test_a_new_item_version_carries_its_form(form_item: ServiceItem) -> None:
    from tongban.catalog.services.versions import item_new_draft

    draft = item_new_draft(item=form_item)
    assert draft.form == FORM and draft.version == form_item.version + 1


def test_a_certificate_already_issued_fills_its_number(
    form_item: ServiceItem, zhangsan: User, department: Department
) -> None:
    shared_resource(
        "cert.health",
        provider=DepartmentFactory(code="wjw", name="卫健委", short_name="卫健"),
        consumer=department,
        kind="certificate",
        name="从业人员健康证明",
        fields=(("certificate_no", "证明编号", "none"), ("valid_until", "有效期至", "none")),
        records={
            str(zhangsan.id_number): {"certificate_no": "JK-TEST-0001", "valid_until": "2027-06-30"}
        },
    )
    form_item.form = {
        "sections": [
            {
                "title": "证照",
                "fields": [
                    {
                        "key": "health_no",
                        "label": "健康证明编号",
                        "type": "text",
                        "prefill": ["certificates.health.certificate_no"],
                    }
                ],
            }
        ]
    }
    form_item.save(update_fields=["form"])
    assert "certificates.health.certificate_no" in prefill_keys()
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    assert case.form_data["health_no"] == "JK-TEST-0001"
    assert case.form_prefill["health_no"]["label"] == "电子证照"


def test_a_later_choice_is_not_asked_when_an_earlier_one_answered(
    form_item: ServiceItem, zhangsan: User
) -> None:
    form_item.form = {
        "sections": [
            {
                "title": "申请人",
                "fields": [
                    {
                        "key": "contact_name",
                        "label": "姓名",
                        "type": "text",
                        "prefill": ["profile.real_name", "exchange.person.name"],
                    }
                ],
            }
        ]
    }
    form_item.save(update_fields=["form"])
    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    assert case.form_data["contact_name"] == "张三"
    # The population register was not queried: the account already knew the name.
    assert not AccessLog.objects.filter(resource__code="res.population").exists()
    zhangsan.real_name = ""
    zhangsan.save()
    again = case_form_prefill(case=_draft(form_item, zhangsan, "k2"), actor=zhangsan)
    assert again.form_prefill["contact_name"]["source"] == "exchange"
    assert AccessLog.objects.filter(resource__code="res.population").count() == 1


def test_a_file_named_pdf_that_is_not_one_is_refused(
    form_item: ServiceItem, zhangsan: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    fake = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        case_submit(case=case, actor=zhangsan, files={material_id(form_item, "申请书"): fake})
    assert caught.value.message_dict[f"materials.{material_id(form_item, '申请书')}"] == [
        "只接受PDF、JPG或PNG文件"
    ]


def test_the_applicant_downloads_the_submitted_form_as_a_pdf(
    form_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    import io

    from django.test import Client
    from pypdf import PdfReader

    case = case_form_prefill(case=_draft(form_item, zhangsan), actor=zhangsan)
    data = {**case.form_data, "phone": "13900000009", "premises_area": "70", "lease_no": "ZL-9"}
    case_submit(case=case, actor=zhangsan, files=_files(form_item), form_data=data)
    client = Client()
    client.force_login(zhangsan)
    response = client.get(f"/my/cases/{case.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        "".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "测试申请书" in text and str(zhangsan.id_number) in text and "ZL-9" in text
    client.force_login(lisi)
    assert client.get(f"/my/cases/{case.pk}/form.pdf").status_code in (403, 404)
