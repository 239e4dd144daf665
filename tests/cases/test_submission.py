"""Submitting an application: complete or named errors, once per idempotency key, on whose
behalf."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.conftest import material_id, pdf
from tests.factories import UserFactory
from tongban.accounts.models import Department, Role, User
from tongban.cases.models import Case, CaseMaterial, CaseState, Channel, Visit
from tongban.cases.services.delegations import delegation_grant, delegation_revoke
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditRecord
from tongban.exchange.models import AccessLog


def test_a_complete_submission_stores_files_and_leaves_shared_materials_to_the_platform(
    submitted: Case, item: ServiceItem
) -> None:
    assert submitted.state == CaseState.SUBMITTED
    rows = {row.material.name: row for row in submitted.materials.select_related("material")}
    assert rows["申请书"].status == CaseMaterial.Status.PROVIDED
    assert rows["申请书"].sha256 and rows["申请书"].file.name
    assert rows["房屋租赁合同"].status == CaseMaterial.Status.PROVIDED
    assert "不动产权证书" not in rows  # the own-premises material does not apply when renting
    assert list(submitted.events.values_list("action", flat=True)) == ["draft", "submit"]
    assert AuditRecord.objects.filter(action="case.submit", object_id=str(submitted.pk)).exists()


def test_owning_the_premises_asks_the_platform_for_the_property_certificate(
    item: ServiceItem, zhangsan: User
) -> None:
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    case = case_submit(
        case=case,
        actor=zhangsan,
        situations={"premises": "own"},
        files={material_id(item, "申请书"): pdf()},
    )
    row = case.materials.get(material__name="不动产权证书")
    assert row.status == CaseMaterial.Status.RESOLVED
    assert row.provenance["resource"] == "res.real_estate"
    assert row.provenance["provider"] == "自然资源局"
    # The grant masks the owner's name; the reviewer sees what was fetched, as granted.
    assert row.data == {
        "证书号": "陕（2025）西安市不动产权第0000001号",
        "权利人": "张*",
        "坐落": "陕西省西安市********",
    }
    log = AccessLog.objects.get(pk=row.provenance["access_id"])
    assert log.case_id == case.pk and log.result == "ok" and log.consumer == item.department
    assert "食品经营许可" in log.purpose and "不动产权证书" in log.purpose


def test_what_the_exchange_cannot_provide_is_asked_of_the_applicant_with_the_reason(
    item: ServiceItem, lisi: User
) -> None:
    """李四 has no property record: the platform says so and asks for the certificate."""
    case = case_save_draft(actor=lisi, code=item.code, applicant=lisi, idempotency_key="k")
    with pytest.raises(ValidationError) as caught:
        case_submit(
            case=case,
            actor=lisi,
            situations={"premises": "own"},
            files={material_id(item, "申请书"): pdf()},
        )
    message = caught.value.message_dict[f"materials.{material_id(item, '不动产权证书')}"][0]
    assert message == "请提交“不动产权证书”（自然资源局没有您的相关记录）"
    # The fetch attempt stays logged although the submission was refused.
    assert AccessLog.objects.filter(case_id=case.pk, result="no_record").count() == 1
    case = case_submit(
        case=case,
        actor=lisi,
        situations={"premises": "own"},
        files={
            material_id(item, "申请书"): pdf(),
            material_id(item, "不动产权证书"): pdf("产权证.pdf"),
        },
    )
    row = case.materials.get(material__name="不动产权证书")
    assert row.status == CaseMaterial.Status.PROVIDED and row.file_name == "产权证.pdf"
    # An upload for a material being uploaded is not fetched again.
    assert AccessLog.objects.filter(case_id=case.pk).count() == 1


def test_missing_materials_and_bad_situations_are_named_and_the_draft_stays(
    item: ServiceItem, zhangsan: User
) -> None:
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    with pytest.raises(ValidationError) as caught:
        case_submit(case=case, actor=zhangsan, situations={"premises": "rent"}, files={})
    errors = caught.value.message_dict
    assert errors[f"materials.{material_id(item, '申请书')}"] == ["请提交“申请书”"]
    assert f"materials.{material_id(item, '房屋租赁合同')}" in errors
    with pytest.raises(ValidationError) as caught:
        case_submit(case=case, actor=zhangsan, situations={"premises": "castle"})
    assert "situations.premises" in caught.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
    assert not case.materials.exists()


def test_a_wrong_file_type_is_refused_and_nothing_is_stored(
    item: ServiceItem, zhangsan: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as caught:
        case_submit(
            case=case,
            actor=zhangsan,
            situations={"premises": "own"},
            files={material_id(item, "申请书"): exe},
        )
    assert "只接受PDF" in caught.value.message_dict[f"materials.{material_id(item, '申请书')}"][0]
    # Nothing of the applicant's is stored; what the platform fetched stays, with its log.
    assert list(CaseMaterial.objects.values_list("status", flat=True)) == ["resolved"]
    assert not CaseMaterial.objects.exclude(file="").exists()


def test_a_retried_submission_returns_the_first_case(item: ServiceItem, zhangsan: User) -> None:
    first = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    again = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    assert first.pk == again.pk
    files = {material_id(item, "申请书"): pdf()}
    submitted = case_submit(case=first, actor=zhangsan, situations={"premises": "own"}, files=files)
    retried = case_submit(case=first, actor=zhangsan, situations={"premises": "own"}, files=files)
    assert submitted.pk == retried.pk and retried.state == CaseState.SUBMITTED
    assert Case.objects.count() == 1
    assert list(retried.events.values_list("action", flat=True)) == ["draft", "submit"]


def test_an_unknown_item_or_a_missing_key_is_a_clear_error(zhangsan: User) -> None:
    with pytest.raises(ValidationError) as caught:
        case_save_draft(actor=zhangsan, code="nosuch", applicant=zhangsan, idempotency_key="k")
    assert "item" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        case_save_draft(actor=zhangsan, code="nosuch", applicant=zhangsan, idempotency_key=" ")
    assert "idempotency_key" in caught.value.message_dict


def test_an_agent_needs_a_live_delegation_covering_the_item(
    item: ServiceItem, zhangsan: User, agent: User
) -> None:
    with pytest.raises(PermissionDenied):
        case_save_draft(actor=agent, code=item.code, applicant=zhangsan, idempotency_key="a1")
    delegation = delegation_grant(
        applicant=zhangsan,
        agent=agent,
        valid_until=timezone.now() + dt.timedelta(days=30),
        item_codes=[item.code],
    )
    case = case_save_draft(actor=agent, code=item.code, applicant=zhangsan, idempotency_key="a1")
    assert case.delegation == delegation and case.applicant == zhangsan
    delegation_revoke(delegation=delegation, by=zhangsan)
    with pytest.raises(PermissionDenied):
        case_save_draft(actor=agent, code=item.code, applicant=zhangsan, idempotency_key="a2")
    with pytest.raises(PermissionDenied):
        case_submit(case=case, actor=agent, situations={"premises": "own"})


def test_a_delegation_for_another_item_does_not_count(
    item: ServiceItem, zhangsan: User, agent: User
) -> None:
    from tests.factories import ServiceItemFactory

    other = ServiceItemFactory()
    delegation_grant(
        applicant=zhangsan,
        agent=agent,
        valid_until=timezone.now() + dt.timedelta(days=30),
        item_codes=[other.code],
    )
    with pytest.raises(PermissionDenied):
        case_save_draft(actor=agent, code=item.code, applicant=zhangsan, idempotency_key="a1")


def test_a_delegation_must_name_an_agent_and_a_future_expiry(zhangsan: User, agent: User) -> None:
    with pytest.raises(ValidationError) as caught:
        delegation_grant(
            applicant=zhangsan,
            agent=UserFactory(roles=[Role.APPLICANT]),
            valid_until=timezone.now() - dt.timedelta(days=1),
        )
    assert {"agent", "valid_until"} <= set(caught.value.message_dict)


def test_any_clerk_can_start_a_case_at_the_window_and_the_visit_is_counted(
    item: ServiceItem, zhangsan: User, db: None
) -> None:
    from tests.factories import DepartmentFactory

    other_department_clerk = UserFactory(department=DepartmentFactory(), roles=[Role.CLERK])
    case = case_save_draft(
        actor=other_department_clerk,
        code=item.code,
        applicant=zhangsan,
        idempotency_key="w1",
        channel=Channel.WINDOW,
    )
    case = case_submit(
        case=case,
        actor=other_department_clerk,
        situations={"premises": "own"},
        files={material_id(item, "申请书"): pdf()},
    )
    assert case.state == CaseState.SUBMITTED
    assert list(case.visits.values_list("purpose", flat=True)) == [Visit.Purpose.WINDOW_APPLICATION]
    # The applicant continues online with the same case.
    assert zhangsan.has_perm("cases.act_as_applicant", case)


def test_an_enterprise_item_needs_the_enterprise(zhangsan: User, department: object) -> None:
    from tests.factories import ServiceItemFactory

    enterprise_item = ServiceItemFactory(audience="enterprise")
    with pytest.raises(ValidationError) as caught:
        case_save_draft(
            actor=zhangsan, code=enterprise_item.code, applicant=zhangsan, idempotency_key="e"
        )
    assert "enterprise" in caught.value.message_dict


def test_an_earlier_cases_result_is_used_instead_of_asking_for_it(
    department: Department, zhangsan: User
) -> None:
    """The licence 张三 obtained on this platform is a resolved material of the next item."""
    from tests.factories import ServiceItemFactory
    from tongban.catalog.models import Material

    licence = ServiceItemFactory(
        with_guide=False, department=department, audience="person", result_name="营业执照"
    )
    permit = ServiceItemFactory(with_guide=False, department=department, audience="person")
    Material.objects.create(
        item=permit, name="营业执照", source="item_output", source_ref=licence.basic_code
    )
    earlier = case_save_draft(
        actor=zhangsan, code=licence.code, applicant=zhangsan, idempotency_key="licence"
    )
    Case.objects.filter(pk=earlier.pk).update(
        state=CaseState.COMPLETED, decision="grant", number="TB202611280007"
    )
    case = case_save_draft(
        actor=zhangsan, code=permit.code, applicant=zhangsan, idempotency_key="permit"
    )
    row = case.materials.get()
    assert row.status == CaseMaterial.Status.RESOLVED
    assert row.provenance["kind"] == "case" and row.provenance["case"] == "TB202611280007"
    assert row.data == {"办理结果": "营业执照", "办件编号": "TB202611280007"}
    assert not AccessLog.objects.exists()  # the platform's own case, no exchange access


def test_the_reviewer_sees_the_fetched_data_and_the_applicant_its_provenance(
    client: Any, item: ServiceItem, zhangsan: User, reviewer: User
) -> None:
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    case = case_submit(
        case=case,
        actor=zhangsan,
        situations={"premises": "own"},
        files={material_id(item, "申请书"): pdf()},
    )
    client.force_login(reviewer)
    staff_page = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "已从自然资源局“不动产登记信息”获取" in staff_page
    assert "陕（2025）西安市不动产权第0000001号" in staff_page  # the fetched record, as granted
    client.force_login(zhangsan)
    own_page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "已从自然资源局“不动产登记信息”获取" in own_page
    assert "不动产权第0000001号" not in own_page
    detail = client.get(f"/api/cases/{case.pk}").json()
    row = next(m for m in detail["materials"] if m["name"] == "不动产权证书")
    assert row["status"] == "resolved" and row["data"] is None and row["provenance"]
