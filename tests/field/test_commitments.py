"""告知承诺: signed with the application, the licence issued at once by the platform, the
promise checked on site afterwards; a promise that does not hold is ordered rectified, and
when the re-check fails the licence is revoked and a credit record written, seen by the
reviewer of the applicant's next application and shared on the exchange."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.cases.conftest import material_id, pdf
from tests.factories import TEST_PASSWORD
from tests.field.conftest import signature_png
from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseEvent, CaseState
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.commitments import commitment_problems
from tongban.catalog.models import ServiceItem
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.exchange.models import DataResource
from tongban.field.credit import CommitmentCredit
from tongban.field.models import Commitment, CreditRecord, FieldVisit, Inspection
from tongban.field.services import conclusion, onsite
from tongban.field.services.commitments import (
    commitment_revoke,
    commitment_text,
    rule_for,
    text_digest,
)
from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot

COMMITMENT = {
    "basis": "law",
    "conditions": [
        {"code": "premises", "text": "经营场所符合卫生要求", "basis": "law"},
        {"code": "testing", "text": "经营场所经检测合格", "basis": "law"},
    ],
    "waives": ["房屋租赁合同"],
    "post_check_days": 30,
    "rectify_days": 10,
}


@pytest.fixture
def committed_item(item: ServiceItem) -> ServiceItem:
    ServiceItem.objects.filter(pk=item.pk).update(commitment=COMMITMENT)
    item.refresh_from_db()
    return item


def _signing(case: Case, password: str = TEST_PASSWORD) -> dict[str, Any]:
    rule = rule_for(case)
    assert rule is not None
    return {
        "commitment": {
            "sign": "on",
            "password": password,
            "sha256": text_digest(commitment_text(case, rule)),
        }
    }


def _apply(item: ServiceItem, actor: User, applicant: User, key: str, **extras: Any) -> Case:
    case = case_save_draft(actor=actor, code=item.code, applicant=applicant, idempotency_key=key)
    return case_submit(
        case=case,
        actor=actor,
        situations={"premises": "rent"},
        files={material_id(item, "申请书"): pdf()},  # no lease: the commitment replaces it
        extras=extras or _signing(case),
    )


def test_the_format_is_checked_naming_the_key() -> None:
    assert commitment_problems({"conditions": []}) == [
        "须注明告知承诺的依据（basis，事项设定依据的引用标识）",
        "承诺的条件（conditions）至少需要一项",
    ]
    assert commitment_problems(COMMITMENT) == []


def test_signed_with_the_application_and_issued_at_once(
    committed_item: ServiceItem, zhangsan: User
) -> None:
    case = _apply(committed_item, zhangsan, zhangsan, "c1")
    assert case.state in (CaseState.RESULT_READY, CaseState.DELIVERED, CaseState.COMPLETED)
    assert case.decision == "grant" and case.number
    commitment = Commitment.objects.get(case=case)
    assert commitment.signer == zhangsan and commitment.waived == ["房屋租赁合同"]
    assert commitment.text_sha256 == text_digest(commitment.text)
    assert "经营场所经检测合格" in commitment.text
    # The platform took the steps itself, each on the timeline with no person behind it.
    decided = CaseEvent.objects.get(case=case, action="decide")
    assert decided.actor is None
    check = Inspection.objects.get(case=case)
    assert check.purpose == Inspection.Purpose.POST_CHECK
    assert check.due == add_working_days(check.opened_on, 30) == commitment.post_check_due
    assert [c["code"] for c in check.checklist] == ["premises", "testing"]


def test_a_wrong_password_signs_nothing(committed_item: ServiceItem, zhangsan: User) -> None:
    draft = case_save_draft(
        actor=zhangsan, code=committed_item.code, applicant=zhangsan, idempotency_key="c2"
    )
    with pytest.raises(ValidationError) as exc:
        case_submit(
            case=draft,
            actor=zhangsan,
            situations={"premises": "rent"},
            files={material_id(committed_item, "申请书"): pdf()},
            extras=_signing(draft, password="wrong-password"),
        )
    assert "commitment_password" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT and not Commitment.objects.exists()


def test_without_the_commitment_the_waived_material_is_asked(
    committed_item: ServiceItem, zhangsan: User
) -> None:
    draft = case_save_draft(
        actor=zhangsan, code=committed_item.code, applicant=zhangsan, idempotency_key="c3"
    )
    with pytest.raises(ValidationError) as exc:
        case_submit(
            case=draft,
            actor=zhangsan,
            situations={"premises": "rent"},
            files={material_id(committed_item, "申请书"): pdf()},
        )
    assert f"materials.{material_id(committed_item, '房屋租赁合同')}" in exc.value.message_dict


def test_a_clerk_cannot_sign_for_the_applicant(
    committed_item: ServiceItem, zhangsan: User, clerk: User
) -> None:
    draft = case_save_draft(
        actor=clerk,
        code=committed_item.code,
        applicant=zhangsan,
        idempotency_key="c4",
        channel="window",
    )
    with pytest.raises(PermissionDenied):
        case_submit(
            case=draft,
            actor=clerk,
            situations={"premises": "rent"},
            files={material_id(committed_item, "申请书"): pdf()},
            extras=_signing(draft, password="correct-horse-battery-staple"),
        )


def _check(case: Case, zhangsan: User, reviewer: User, inspectors: list[User]) -> Inspection:
    inspection = Inspection.objects.filter(case=case, state="open").get()
    visit = inspection.visit
    visit_choose_slot(actor=reviewer, visit=visit, starts_at=slots_for(visit)[0][0])
    visit_assign(actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors])
    return inspection


def _conclude(inspection: Inspection, inspectors: list[User], verdict: str, **how: Any) -> None:
    visit = FieldVisit.objects.get(pk=inspection.visit_id)
    for check in inspection.checklist:
        onsite.entry_record(
            actor=inspectors[0],
            visit=visit,
            client_id=uuid.uuid4(),
            inspection_id=inspection.pk,
            code=check["code"],
            verdict=verdict if check["code"] == "testing" else "pass",
            note="" if verdict == "pass" else "未见检测报告，现场通风不达标",
        )
    for person in inspectors:
        onsite.signature_add(
            actor=person,
            visit=visit,
            client_id=uuid.uuid4(),
            role="inspector",
            image=signature_png(),
        )
    onsite.signature_add(
        actor=inspectors[0],
        visit=visit,
        client_id=uuid.uuid4(),
        role="applicant",
        name="张三",
        image=signature_png(),
    )
    conclusion.inspection_conclude(
        actor=inspectors[0], visit=visit, client_id=uuid.uuid4(), inspection_id=inspection.pk, **how
    )


def test_a_broken_promise_costs_the_licence_and_is_recorded(
    committed_item: ServiceItem,
    zhangsan: User,
    reviewer: User,
    inspectors: list[User],
    client: Client,
) -> None:
    case = _apply(committed_item, zhangsan, zhangsan, "c5")
    first = _check(case, zhangsan, reviewer, inspectors)
    _conclude(first, inspectors, "rectify", result="rectify", note="限期整改通风", rectify_days=10)
    assert Commitment.objects.get(case=case).state == Commitment.State.RECTIFYING
    second = _check(case, zhangsan, reviewer, inspectors)
    assert second.round == 2 and second.purpose == Inspection.Purpose.POST_CHECK
    with pytest.raises(ValidationError, match="复查只能"):
        _conclude(second, inspectors, "rectify", result="rectify", note="再改", rectify_days=5)
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=second.visit,
        client_id=uuid.uuid4(),
        inspection_id=second.pk,
        result="fail",
        note="逾期未整改",
    )
    commitment = Commitment.objects.get(case=case)
    assert commitment.state == Commitment.State.BROKEN

    with pytest.raises(PermissionDenied):
        commitment_revoke(actor=inspectors[0], commitment=commitment, reason="承诺不实")
    with pytest.raises(ValidationError):
        commitment_revoke(actor=reviewer, commitment=commitment, reason=" ")
    commitment = commitment_revoke(actor=reviewer, commitment=commitment, reason="承诺不实")
    assert commitment.state == Commitment.State.REVOKED
    with pytest.raises(Conflict):
        commitment_revoke(actor=reviewer, commitment=commitment, reason="再撤一次")
    record = CreditRecord.objects.get(case=case)
    assert record.subject_name == "张三" and record.reason == "承诺不实"
    assert CaseEvent.objects.filter(case=case, action="revoke").exists()

    # The reviewer of 张三's next application sees it; the exchange shares it.
    later = case_save_draft(
        actor=zhangsan, code=committed_item.code, applicant=zhangsan, idempotency_key="c6"
    )
    later = case_submit(
        case=later,
        actor=zhangsan,
        situations={"premises": "rent"},
        files={
            material_id(committed_item, "申请书"): pdf(),
            material_id(committed_item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )
    client.force_login(reviewer)
    page = client.get(f"/workbench/cases/{later.pk}/").content.decode()
    assert 'data-testid="credit-records"' in page and "承诺不实" in page
    client.force_login(zhangsan)
    assert "credit-records" not in client.get(f"/my/cases/{later.pk}/").content.decode()
    resource = DataResource(code="res.commitment_credit")
    found = CommitmentCredit().fetch(resource, record.subject_key, ["records", "latest_reason"])
    assert found == {"records": 1, "latest_reason": "承诺不实"}


def test_a_kept_promise_closes_the_commitment(
    committed_item: ServiceItem, zhangsan: User, reviewer: User, inspectors: list[User]
) -> None:
    case = _apply(committed_item, zhangsan, zhangsan, "c7")
    _conclude(_check(case, zhangsan, reviewer, inspectors), inspectors, "pass", result="pass")
    assert Commitment.objects.get(case=case).state == Commitment.State.KEPT


def test_only_the_departments_reviewer_revokes(
    committed_item: ServiceItem, zhangsan: User, department: Any
) -> None:
    from tests.factories import DepartmentFactory, UserFactory

    outsider = UserFactory(department=DepartmentFactory(), roles=[Role.REVIEWER])
    case = _apply(committed_item, zhangsan, zhangsan, "c8")
    Commitment.objects.filter(case=case).update(state=Commitment.State.BROKEN)
    with pytest.raises(PermissionDenied):
        commitment_revoke(
            actor=outsider, commitment=Commitment.objects.get(case=case), reason="不实"
        )


def test_the_figures_count_what_happened(
    committed_item: ServiceItem,
    zhangsan: User,
    reviewer: User,
    inspectors: list[User],
    client: Client,
) -> None:
    from tongban.field.figures import field_figures

    kept = _apply(committed_item, zhangsan, zhangsan, "f1")
    broken = _apply(committed_item, zhangsan, zhangsan, "f2")
    _apply(committed_item, zhangsan, zhangsan, "f3")  # its post-check not yet due
    _conclude(_check(kept, zhangsan, reviewer, inspectors), inspectors, "pass", result="pass")
    _conclude(
        _check(broken, zhangsan, reviewer, inspectors),
        inspectors,
        "fail",
        result="fail",
        note="场所不符",
    )
    figures = field_figures()
    # 3 accepted cases of an item offering a commitment, all 3 on commitment; 2 post-checks
    # concluded (both on their first day: on time), 1 found the promise false.
    assert (figures.eligible_cases, figures.on_commitment, figures.commitment_share) == (3, 3, 1)
    assert (figures.post_checks_due, figures.post_checks_on_time, figures.mismatches) == (2, 2, 1)
    assert figures.revoked == 0 and figures.inspections_due == 0
    client.force_login(reviewer)
    answer = client.get("/api/field/figures").json()
    assert answer["mismatches"] == 1 and answer["post_check_on_time_rate"] == 1.0
    page = client.get("/field/").content.decode()
    assert page.count('data-testid="field-figures"') == 1
    title = page[page.index("<title>") : page.index("</title>")]
    assert "现场核查" in title and "<section" not in title
