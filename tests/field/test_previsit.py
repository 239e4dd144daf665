"""倒上门: a pre-visit asked before applying (consultation, material pre-review and the
inspection in one visit), its result attached to the application so no second inspection
is needed when nothing changed, and the licence issued on the spot from the phone."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.conftest import material_id, pdf
from tests.field.conftest import RULE
from tests.field.test_inspections import record_all, sign_all
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseEvent, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.core.errors import Conflict
from tongban.field.models import FieldVisit, Inspection
from tongban.field.services import conclusion
from tongban.field.services.inspections import previsit_request
from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot


@pytest.fixture
def previsit_item(item: ServiceItem) -> ServiceItem:
    ServiceItem.objects.filter(pk=item.pk).update(
        inspection={**RULE, "modes": ["previsit", "merged", "on_site"]}
    )
    item.refresh_from_db()
    return item


def _draft(item: ServiceItem, applicant: User, premises: str = "rent") -> Case:
    case = case_save_draft(
        actor=applicant,
        code=item.code,
        applicant=applicant,
        idempotency_key=f"d-{premises}",
        situations={"premises": premises},
    )
    Case.objects.filter(pk=case.pk).update(form_data={"premises_address": "西安市新城区示例路8号"})
    case.refresh_from_db()
    return case


def _passed(case: Case, reviewer: User, inspectors: list[User], applicant: User) -> Inspection:
    inspection = previsit_request(actor=applicant, case=case)
    visit = inspection.visit
    visit_choose_slot(actor=applicant, visit=visit, starts_at=slots_for(visit)[0][0])
    visit = visit_assign(
        actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors]
    )
    record_all(visit, inspectors[0], inspection, special_room="na")
    sign_all(visit, inspectors)
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=visit,
        client_id=uuid.uuid4(),
        inspection_id=inspection.pk,
        result="pass",
        note="材料齐全，场所符合要求",
    )
    inspection.refresh_from_db()
    return inspection


def _submit(case: Case, applicant: User) -> Case:
    item = case.item
    return case_submit(
        case=case,
        actor=applicant,
        situations=dict(case.situations),
        files={material_id(item, "申请书"): pdf(), material_id(item, "房屋租赁合同"): pdf("l.pdf")},
    )


def test_a_previsit_is_asked_before_applying_and_spares_the_second_inspection(
    previsit_item: ServiceItem,
    zhangsan: User,
    reviewer: User,
    clerk: User,
    inspectors: list[User],
) -> None:
    case = _draft(previsit_item, zhangsan)
    inspection = _passed(case, reviewer, inspectors, zhangsan)
    assert inspection.previsit and inspection.state == Inspection.State.PASSED
    with pytest.raises(Conflict):
        previsit_request(actor=zhangsan, case=case)
    case = _submit(case, zhangsan)
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    assert Inspection.objects.filter(case=case).count() == 1  # no second inspection
    case = lc.case_start_review(case=case, actor=reviewer)
    assert lc.case_decide(case=case, actor=reviewer, decision="grant", reason="").decision


def test_a_changed_situation_is_inspected_again(
    previsit_item: ServiceItem,
    zhangsan: User,
    reviewer: User,
    clerk: User,
    inspectors: list[User],
) -> None:
    case = _draft(previsit_item, zhangsan)
    first = _passed(case, reviewer, inspectors, zhangsan)
    Case.objects.filter(pk=case.pk).update(
        form_data={"premises_address": "西安市碑林区另一条路9号"}
    )
    case.refresh_from_db()
    case = _submit(case, zhangsan)
    case = lc.case_accept(case=lc.case_start_pre_review(case=case, actor=clerk), actor=clerk)
    second = Inspection.objects.get(case=case, state="open")
    assert second.previous_id == first.pk and second.round == 2
    assert second.visit.address == first.visit.address  # the round's visit; changed below
    assert "重新核查" in Inspection.objects.get(pk=first.pk).result_note


def test_who_may_ask_and_when(
    previsit_item: ServiceItem, item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = _draft(previsit_item, zhangsan)
    with pytest.raises(PermissionDenied):
        previsit_request(actor=lisi, case=case)
    own = _draft(previsit_item, zhangsan, premises="own")
    with pytest.raises(ValidationError, match="不需要现场核查"):
        previsit_request(actor=zhangsan, case=own)
    ServiceItem.objects.filter(pk=item.pk).update(inspection={**RULE, "modes": ["merged"]})
    case.refresh_from_db()
    case.item.refresh_from_db()
    with pytest.raises(ValidationError, match="不提供上门预勘"):
        previsit_request(actor=zhangsan, case=case)


def test_the_licence_is_issued_on_the_spot(
    previsit_item: ServiceItem, zhangsan: User, reviewer: User, inspectors: list[User]
) -> None:
    case = _draft(previsit_item, zhangsan)
    inspection = _passed(case, reviewer, inspectors, zhangsan)
    visit = FieldVisit.objects.get(pk=inspection.visit_id)
    certify = dict(actor=inspectors[1], visit=visit, inspection_id=inspection.pk)
    with pytest.raises(Conflict, match="先提交申请"):
        conclusion.onsite_certify(client_id=uuid.uuid4(), **certify)
    _submit(case, zhangsan)
    same = uuid.uuid4()
    done = conclusion.onsite_certify(client_id=same, **certify)
    again = conclusion.onsite_certify(client_id=same, **certify)
    assert not done.replayed and again.replayed
    case.refresh_from_db()
    assert case.decision == "grant"
    assert case.state in (CaseState.RESULT_READY, CaseState.DELIVERED, CaseState.COMPLETED)
    decided = CaseEvent.objects.get(case=case, action="decide")
    assert decided.actor is None
    with pytest.raises(Conflict):
        conclusion.onsite_certify(client_id=uuid.uuid4(), **certify)


def test_only_where_the_item_allows_it(
    inspected_item: ServiceItem,
    zhangsan: User,
    clerk: User,
    reviewer: User,
    inspectors: list[User],
) -> None:
    from tests.field.conftest import accepted

    case = accepted(inspected_item, zhangsan, clerk)
    inspection = Inspection.objects.get(case=case)
    visit = inspection.visit
    visit_choose_slot(actor=zhangsan, visit=visit, starts_at=slots_for(visit)[0][0])
    visit = visit_assign(
        actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors]
    )
    record_all(visit, inspectors[0], inspection, special_room="na")
    sign_all(visit, inspectors)
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=visit,
        client_id=uuid.uuid4(),
        inspection_id=inspection.pk,
        result="pass",
    )
    with pytest.raises(ValidationError, match="不支持当场发证"):
        conclusion.onsite_certify(
            actor=inspectors[0], visit=visit, client_id=uuid.uuid4(), inspection_id=inspection.pk
        )
