"""现场核查 from the case's side: opened at acceptance when the situation needs it, scheduled
with the applicant and two inspectors, recorded on site, concluded, and the decision bound
by the result."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.field.conftest import accepted, jpeg, signature_png
from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseEvent, CaseMaterial
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.onsite import collected_on_site
from tongban.catalog.models import ServiceItem
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.field.models import FieldVisit, FieldWrite, Inspection, InspectionEntry
from tongban.field.services import conclusion, onsite
from tongban.field.services.scheduling import (
    inspections_warnings_sweep,
    slots_for,
    visit_assign,
    visit_choose_slot,
)

MONDAY = dt.date(2026, 3, 2)


def cid() -> str:
    return str(uuid.uuid4())


def record_all(visit: FieldVisit, inspector: User, inspection: Inspection, **verdicts: str) -> None:
    for check in inspection.checklist:
        verdict = verdicts.get(check["code"].replace("-", "_"), "pass")
        onsite.entry_record(
            actor=inspector,
            visit=visit,
            client_id=cid(),
            inspection_id=inspection.pk,
            code=check["code"],
            verdict=verdict,
            note="" if verdict in ("pass", "na") else "冷藏柜温度不达标",
        )


def sign_all(visit: FieldVisit, inspectors: list[User]) -> None:
    for person in inspectors:
        onsite.signature_add(
            actor=person, visit=visit, client_id=cid(), role="inspector", image=signature_png()
        )
    onsite.signature_add(
        actor=inspectors[0],
        visit=visit,
        client_id=cid(),
        role="applicant",
        name="张三",
        image=signature_png(),
    )


def test_opened_at_acceptance_with_its_deadline_and_frozen_checklist(
    inspection: Inspection,
) -> None:
    assert inspection.state == Inspection.State.OPEN
    assert inspection.opened_on == MONDAY
    assert inspection.due == add_working_days(MONDAY, 10)
    assert [c["code"] for c in inspection.checklist] == ["premises", "storage", "special-room"]
    assert inspection.checklist[0]["basis_text"] == "《测试条例》第一条"
    assert inspection.visit.address == "西安市新城区示例路8号"
    assert inspection.visit.state == FieldVisit.State.PROPOSED


def test_not_opened_when_the_situation_needs_none(
    inspected_item: ServiceItem, zhangsan: User, clerk: User
) -> None:
    case = accepted(inspected_item, zhangsan, clerk, premises="own")
    assert not Inspection.objects.filter(case=case).exists()


def test_scheduled_once_it_has_a_time_and_two_inspectors(
    inspection: Inspection, zhangsan: User, reviewer: User, inspectors: list[User]
) -> None:
    visit = inspection.visit
    slots = slots_for(visit)
    assert slots[0][0].date() == dt.date(2026, 3, 3)  # the next working day
    with pytest.raises(ValidationError) as exc:
        visit_assign(actor=reviewer, inspection=inspection, inspector_ids=[inspectors[0].pk])
    assert "至少2名" in str(exc.value)
    visit = visit_assign(
        actor=reviewer, inspection=inspection, inspector_ids=[u.pk for u in inspectors]
    )
    assert visit.state == FieldVisit.State.PROPOSED  # no time yet
    with pytest.raises(ValidationError):
        visit_choose_slot(
            actor=zhangsan, visit=visit, starts_at=slots[0][0] + dt.timedelta(minutes=1)
        )
    visit = visit_choose_slot(actor=zhangsan, visit=visit, starts_at=slots[0][0])
    assert visit.state == FieldVisit.State.SCHEDULED
    assert visit.ends_at == slots[0][1]


def test_only_the_applicant_or_the_department_chooses_the_time(
    inspection: Inspection, lisi: User
) -> None:
    with pytest.raises(PermissionDenied):
        visit_choose_slot(
            actor=lisi, visit=inspection.visit, starts_at=slots_for(inspection.visit)[0][0]
        )


def test_inspectors_must_be_the_departments_own(
    inspection: Inspection, reviewer: User, inspectors: list[User], clerk: User
) -> None:
    outsider = UserFactory(username="outsider", roles=[Role.INSPECTOR])
    for ids in ([inspectors[0].pk, outsider.pk], [inspectors[0].pk, clerk.pk]):
        with pytest.raises(ValidationError):
            visit_assign(actor=reviewer, inspection=inspection, inspector_ids=ids)
    with pytest.raises(PermissionDenied):
        visit_assign(actor=clerk, inspection=inspection, inspector_ids=[u.pk for u in inspectors])


def test_a_write_sent_twice_counts_once(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User]
) -> None:
    same = cid()
    args = dict(
        actor=inspectors[0],
        visit=scheduled,
        client_id=same,
        inspection_id=inspection.pk,
        code="premises",
        verdict="pass",
    )
    first = onsite.entry_record(**args)
    again = onsite.entry_record(**args)
    assert not first.replayed and again.replayed and again.object_id == first.object_id
    assert InspectionEntry.objects.filter(inspection=inspection).count() == 1
    assert FieldWrite.objects.filter(pk=same).count() == 1
    # The same id for another kind of write is refused, not taken as a replay.
    with pytest.raises(Conflict):
        onsite.signature_add(
            actor=inspectors[0],
            visit=scheduled,
            client_id=same,
            role="inspector",
            image=signature_png(),
        )


def test_a_refused_write_leaves_nothing(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User]
) -> None:
    bad = cid()
    with pytest.raises(ValidationError) as exc:
        onsite.entry_record(
            actor=inspectors[0],
            visit=scheduled,
            client_id=bad,
            inspection_id=inspection.pk,
            code="premises",
            verdict="na",
        )
    assert "verdict" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        onsite.entry_record(
            actor=inspectors[0],
            visit=scheduled,
            client_id=cid(),
            inspection_id=inspection.pk,
            code="storage",
            verdict="rectify",
            note="",
        )
    assert "note" in exc.value.message_dict
    assert not FieldWrite.objects.exists() and not InspectionEntry.objects.exists()


def test_only_assigned_inspectors_write(
    scheduled: FieldVisit, inspection: Inspection, department: object, reviewer: User
) -> None:
    other = UserFactory(username="other-inspector", department=department, roles=[Role.INSPECTOR])
    for actor in (other, reviewer):
        with pytest.raises(PermissionDenied):
            onsite.entry_record(
                actor=actor,
                visit=scheduled,
                client_id=cid(),
                inspection_id=inspection.pk,
                code="premises",
                verdict="pass",
            )


def test_pass_needs_every_check_and_both_sides_signatures(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User], reviewer: User
) -> None:
    conclude = dict(
        actor=inspectors[0], visit=scheduled, inspection_id=inspection.pk, result="pass"
    )
    with pytest.raises(ValidationError, match="未核查"):
        conclusion.inspection_conclude(client_id=cid(), **conclude)
    record_all(scheduled, inspectors[0], inspection, special_room="na")
    with pytest.raises(ValidationError, match="签名"):
        conclusion.inspection_conclude(client_id=cid(), **conclude)
    with pytest.raises(ValidationError, match="签名为空"):
        onsite.signature_add(
            actor=inspectors[0],
            visit=scheduled,
            client_id=cid(),
            role="inspector",
            image=signature_png(blank=True),
        )
    sign_all(scheduled, inspectors)
    case = inspection.case
    # Before the result, a grant is refused and nothing of the decision is kept.
    lc.case_start_review(case=case, actor=reviewer)
    with pytest.raises(ValidationError, match="核查通过后"):
        lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    assert Case.objects.get(pk=case.pk).state == "in_review"
    conclusion.inspection_conclude(client_id=cid(), **conclude)
    inspection.refresh_from_db()
    scheduled.refresh_from_db()
    assert inspection.state == Inspection.State.PASSED
    assert scheduled.state == FieldVisit.State.DONE
    assert CaseEvent.objects.filter(case=case, action="inspection").exists()
    decided = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    assert decided.state == "decided"


def test_rectify_opens_a_second_round_after_the_deadline(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User]
) -> None:
    record_all(scheduled, inspectors[0], inspection, storage="rectify")
    sign_all(scheduled, inspectors)
    with pytest.raises(ValidationError, match="不能作出核查通过"):
        conclusion.inspection_conclude(
            actor=inspectors[0],
            visit=scheduled,
            client_id=cid(),
            inspection_id=inspection.pk,
            result="pass",
        )
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=scheduled,
        client_id=cid(),
        inspection_id=inspection.pk,
        result="rectify",
        note="冷藏设施整改后复查",
        rectify_days=5,
    )
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.RECTIFY
    assert inspection.rectify_due == add_working_days(MONDAY, 5)
    second = inspection.next_round
    assert second.round == 2 and second.state == Inspection.State.OPEN
    assert second.due == add_working_days(inspection.rectify_due, 10)
    assert second.visit.pk != scheduled.pk and second.visit.address == scheduled.address


def test_fail_states_its_reasons(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User], reviewer: User
) -> None:
    record_all(scheduled, inspectors[0], inspection, premises="fail")
    sign_all(scheduled, inspectors)
    with pytest.raises(ValidationError) as exc:
        conclusion.inspection_conclude(
            actor=inspectors[0],
            visit=scheduled,
            client_id=cid(),
            inspection_id=inspection.pk,
            result="fail",
        )
    assert "note" in exc.value.message_dict
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=scheduled,
        client_id=cid(),
        inspection_id=inspection.pk,
        result="fail",
        note="经营场所距污染源不足25米",
    )
    case = lc.case_start_review(case=inspection.case, actor=reviewer)
    with pytest.raises(ValidationError):
        lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    assert lc.case_decide(case=case, actor=reviewer, decision="deny", reason="现场核查不通过")


def test_photos_keep_time_and_place(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User]
) -> None:
    photo = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
    written = onsite.photo_add(
        actor=inspectors[1],
        visit=scheduled,
        client_id=cid(),
        upload=photo,
        taken_at="2026-03-02T02:05:00Z",
        inspection_id=inspection.pk,
        code="storage",
        latitude="34.26",
        longitude="108.95",
        accuracy="12",
    )
    stored = scheduled.photos.get(pk=written.object_id)
    assert (stored.check_code, stored.accuracy_m) == ("storage", 12)
    assert str(stored.latitude) == "34.260000"
    with pytest.raises(ValidationError) as exc:
        onsite.photo_add(
            actor=inspectors[1],
            visit=scheduled,
            client_id=cid(),
            upload=SimpleUploadedFile("x.jpg", b"not a picture"),
            taken_at="2026-03-02T02:05:00Z",
        )
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        onsite.photo_add(
            actor=inspectors[1],
            visit=scheduled,
            client_id=cid(),
            upload=SimpleUploadedFile("p.jpg", jpeg()),
            taken_at="2025-01-01T00:00:00Z",
        )
    assert "taken_at" in exc.value.message_dict


def test_a_material_collected_on_site_is_marked(
    scheduled: FieldVisit, inspection: Inspection, inspectors: list[User]
) -> None:
    case = inspection.case
    material = case.item.materials.get(name="房屋租赁合同")
    written = onsite.material_collect(
        actor=inspectors[0],
        visit=scheduled,
        client_id=cid(),
        inspection_id=inspection.pk,
        material_id=material.pk,
        upload=SimpleUploadedFile("lease.jpg", jpeg()),
    )
    row = CaseMaterial.objects.get(pk=written.object_id)
    assert collected_on_site(row) and row.status == CaseMaterial.Status.PROVIDED
    assert CaseEvent.objects.filter(case=case, action="material_on_site").exists()


def test_cancelled_when_the_case_is_withdrawn(inspection: Inspection, zhangsan: User) -> None:
    lc.case_withdraw(case=inspection.case, actor=zhangsan, reason="不开店了")
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.CANCELLED
    assert inspection.visit.state == FieldVisit.State.CANCELLED


def test_lights_go_yellow_then_red(inspection: Inspection) -> None:
    due = inspection.due
    assert inspections_warnings_sweep(on=MONDAY) == {"yellow": 0, "red": 0, "none": 0}
    assert inspections_warnings_sweep(on=add_working_days(due, -2))["yellow"] == 1
    assert inspections_warnings_sweep(on=due + dt.timedelta(days=1))["red"] == 1
    inspection.refresh_from_db()
    assert inspection.warning == "red"


def test_the_visit_report_is_a_sealed_pdf_for_those_who_may_see_it(
    scheduled: FieldVisit,
    inspection: Inspection,
    inspectors: list[User],
    zhangsan: User,
    lisi: User,
    client: Any,
) -> None:
    url = f"/field/visits/{scheduled.pk}/report.pdf"
    client.force_login(zhangsan)
    assert client.get(url).status_code == 404  # not done yet
    record_all(scheduled, inspectors[0], inspection, special_room="na")
    sign_all(scheduled, inspectors)
    conclusion.inspection_conclude(
        actor=inspectors[0],
        visit=scheduled,
        client_id=cid(),
        inspection_id=inspection.pk,
        result="pass",
    )
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert b"/ByteRange" in response.content  # signed with the platform's seal
    client.force_login(lisi)
    assert client.get(url).status_code == 404
