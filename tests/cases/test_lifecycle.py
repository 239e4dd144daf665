"""The 办件 lifecycle: every step, who may take it, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.conftest import material_id, pdf
from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseMaterial, CaseState, Visit
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import ServiceItem
from tongban.core.audit import audit_verify

MONDAY = dt.date(2026, 3, 2)


def _accepted(case: Case, clerk: User, on: dt.date = MONDAY) -> Case:
    case = lc.case_start_pre_review(case=case, actor=clerk)
    return lc.case_accept(case=case, actor=clerk, on=on)


def test_the_whole_path_from_submission_to_completion(
    submitted: Case, clerk: User, reviewer: User, zhangsan: User, item: ServiceItem
) -> None:
    case = lc.case_start_pre_review(case=submitted, actor=clerk)
    case = lc.case_request_correction(
        case=case,
        actor=clerk,
        problems={material_id(item, "房屋租赁合同"): "租赁合同缺少出租方签章"},
        on=MONDAY,
    )
    assert case.state == CaseState.CORRECTION
    row = case.materials.get(material__name="房屋租赁合同")
    assert row.status == CaseMaterial.Status.NEEDS_CORRECTION
    assert row.correction_note == "租赁合同缺少出租方签章"
    case = lc.case_resubmit(
        case=case, actor=zhangsan, files={material_id(item, "房屋租赁合同"): pdf("新合同.pdf")}
    )
    assert case.state == CaseState.SUBMITTED
    case = _accepted(case, clerk)
    assert case.number == "TB20260302000001"
    assert (case.legal_due, case.promised_due) == (dt.date(2026, 3, 30), dt.date(2026, 3, 9))
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    case = lc.case_produce_result(case=case, actor=reviewer)
    case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=True)
    case = lc.case_complete(case=case, actor=clerk)
    assert case.state == CaseState.COMPLETED and case.completed_at is not None
    assert list(case.events.values_list("action", flat=True)) == [
        "draft",
        "submit",
        "pre_review",
        "request_correction",
        "resubmit",
        "pre_review",
        "accept",
        "review",
        "decide",
        "produce_result",
        "deliver",
        "complete",
    ]
    assert list(case.visits.values_list("purpose", flat=True)) == [Visit.Purpose.PICKUP]
    assert audit_verify().ok


def test_case_numbers_are_sequential_per_day(
    item: ServiceItem, zhangsan: User, clerk: User
) -> None:
    from tongban.cases.services.submission import case_save_draft, case_submit

    numbers = []
    for n, day in enumerate([MONDAY, MONDAY, MONDAY + dt.timedelta(days=1)]):
        case = case_save_draft(
            actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key=f"n{n}"
        )
        case = case_submit(
            case=case,
            actor=zhangsan,
            situations={"premises": "own"},
            files={material_id(item, "申请书"): pdf()},
        )
        numbers.append(_accepted(case, clerk, on=day).number)
    assert numbers == ["TB20260302000001", "TB20260302000002", "TB20260303000001"]


def test_accepting_twice_is_a_conflict_and_changes_nothing(submitted: Case, clerk: User) -> None:
    case = _accepted(submitted, clerk)
    with pytest.raises(lc.CaseConflict, match="已受理"):
        lc.case_accept(case=case, actor=clerk, on=MONDAY)
    case.refresh_from_db()
    assert case.number == "TB20260302000001"
    assert case.events.filter(action="accept").count() == 1


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        (lc.case_start_review, {}),
        (lc.case_decide, {"decision": "grant", "reason": ""}),
        (lc.case_produce_result, {}),
        (lc.case_complete, {}),
        (lc.case_resume, {}),
    ],
)
def test_steps_out_of_order_are_conflicts(
    submitted: Case, admin_user: User, step: object, kwargs: dict[str, object]
) -> None:
    with pytest.raises(lc.CaseConflict):
        step(case=submitted, actor=admin_user, **kwargs)  # type: ignore[operator]
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED


def test_a_reviewer_of_another_department_may_not_review(submitted: Case, clerk: User) -> None:
    case = _accepted(submitted, clerk)
    outsider = UserFactory(department=DepartmentFactory(), roles=[Role.REVIEWER])
    with pytest.raises(PermissionDenied):
        lc.case_start_review(case=case, actor=outsider)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_any_clerk_may_accept_but_an_applicant_may_not(submitted: Case, zhangsan: User) -> None:
    with pytest.raises(PermissionDenied):
        lc.case_start_pre_review(case=submitted, actor=zhangsan)
    other_clerk = UserFactory(department=DepartmentFactory(), roles=[Role.CLERK])
    assert _accepted(submitted, other_clerk).state == CaseState.ACCEPTED


def test_not_accepted_needs_a_reason(submitted: Case, clerk: User) -> None:
    case = lc.case_start_pre_review(case=submitted, actor=clerk)
    with pytest.raises(ValidationError) as caught:
        lc.case_reject(case=case, actor=clerk, reason=" ")
    assert "reason" in caught.value.message_dict
    case = lc.case_reject(case=case, actor=clerk, reason="不属于本部门职权范围")
    assert case.state == CaseState.REJECTED and case.number is None


def test_a_denial_needs_a_reason(submitted: Case, clerk: User, reviewer: User) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk), actor=reviewer)
    with pytest.raises(ValidationError):
        lc.case_decide(case=case, actor=reviewer, decision="deny", reason="")
    case = lc.case_decide(case=case, actor=reviewer, decision="deny", reason="场所不符合要求")
    assert case.decision == "deny"


def test_the_applicant_may_withdraw_before_the_decision_but_not_after(
    submitted: Case, clerk: User, reviewer: User, zhangsan: User
) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk), actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    with pytest.raises(lc.CaseConflict):
        lc.case_withdraw(case=case, actor=zhangsan, reason="不办了")


def test_withdrawal_by_someone_else_is_refused(submitted: Case, lisi: User) -> None:
    with pytest.raises(PermissionDenied):
        lc.case_withdraw(case=submitted, actor=lisi)
    assert lc.case_withdraw(case=submitted, actor=submitted.applicant).state == (
        CaseState.WITHDRAWN
    )


def test_delivery_must_be_a_mode_the_item_offers(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    case = lc.case_start_review(case=_accepted(submitted, clerk), actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    case = lc.case_produce_result(case=case, actor=reviewer)
    with pytest.raises(ValidationError):
        lc.case_deliver(case=case, actor=clerk, mode="door")
    assert lc.case_deliver(case=case, actor=clerk, mode="mail").state == CaseState.DELIVERED
    assert not case.visits.exists()


def test_the_work_queue_fields_follow_the_case(submitted: Case, clerk: User) -> None:
    assert (
        submitted.in_queue
        and submitted.queue_date
        == submitted.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    )
    case = _accepted(submitted, clerk)
    assert case.queue_date == case.promised_due == dt.date(2026, 3, 9)
    closed = lc.case_terminate(
        case=case,
        actor=UserFactory(department=case.department, roles=[Role.REVIEWER]),
        reason="申请人注销",
    )
    closed.refresh_from_db()
    assert not closed.in_queue
