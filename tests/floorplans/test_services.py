"""The plan's life: made from a template, saved as revisions the server checks itself,
attached to an application (refused while a binding rule fails, every attempt counted),
commented on by the reviewer, asked for again in 补正, fixed and attached again."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from tests.cases.conftest import material_id, pdf
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.correction import case_resubmit
from tongban.cases.services.submission import case_submit
from tongban.core.errors import Conflict
from tongban.floorplans.figures import floorplan_figures
from tongban.floorplans.models import FloorPlan, PlanRevision, PlanSubmission
from tongban.floorplans.services import (
    plan_attach,
    plan_comment_add,
    plan_correction_request,
    plan_create,
    plan_save,
)

from .conftest import LAYOUT


def broken(plan: FloorPlan) -> dict:
    data = copy.deepcopy(plan.data)
    for mark in data["marks"]:
        if mark["id"] == "raw":
            mark["points"].reverse()  # raw materials walk back from the kitchen: 生进熟出 fails
    return data


def test_a_plan_starts_from_a_template_checked(plan: FloorPlan) -> None:
    assert plan.revision == 1
    assert plan.passed and plan.findings == []
    assert plan.jurisdiction == "national"
    assert PlanRevision.objects.get(plan=plan, number=1).sha256 == plan.revisions.get().sha256


def test_unknown_template_and_jurisdiction_are_refused(zhangsan: User) -> None:
    with pytest.raises(ValidationError) as caught:
        plan_create(owner=zhangsan, template="palace")
    assert "template" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        plan_create(owner=zhangsan, template="noodle", jurisdiction_code="atlantis")
    assert "jurisdiction" in caught.value.message_dict
    assert not FloorPlan.objects.exists()


def test_saving_checks_on_the_server(plan: FloorPlan, zhangsan: User) -> None:
    revision = plan_save(plan=plan, actor=zhangsan, data=broken(plan), base_revision=1)
    assert revision.number == 2 and not revision.passed
    assert "flow.one_way" in {f["rule"] for f in revision.findings}
    plan.refresh_from_db()
    assert plan.revision == 2 and not plan.passed


def test_a_stale_editor_writes_nothing(plan: FloorPlan, zhangsan: User) -> None:
    plan_save(plan=plan, actor=zhangsan, data=plan.data, base_revision=1)
    with pytest.raises(Conflict):
        plan_save(plan=plan, actor=zhangsan, data=broken(plan), base_revision=1)
    assert plan.revisions.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(version=2), "plan.version"),
        (lambda d: d["rooms"][0].update(w=0), "plan.rooms.w[0]"),
        (lambda d: d["rooms"][0].update(zone="garage"), "plan.rooms.zone[0]"),
        (lambda d: d["rooms"][1].update(id=d["rooms"][0]["id"]), "plan"),
        (lambda d: d["rooms"][0].update(x=0.05), "plan.rooms.x[0]"),
        (lambda d: d.update(jurisdiction="atlantis"), "plan.jurisdiction"),
        (lambda d: d["equipment"][0].update(x="east"), "plan.equipment.x[0]"),
        (lambda d: d.update(hack=True), "plan.hack"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(
    plan: FloorPlan, zhangsan: User, change: object, field: str
) -> None:
    data = copy.deepcopy(plan.data)
    change(data)  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught:
        plan_save(plan=plan, actor=zhangsan, data=data, base_revision=1)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert plan.revisions.count() == 1


def test_only_the_owner_saves(plan: FloorPlan, lisi: User) -> None:
    with pytest.raises(PermissionDenied):
        plan_save(plan=plan, actor=lisi, data=plan.data, base_revision=1)


def test_a_failing_plan_is_not_attached_but_the_attempt_counts(
    plan: FloorPlan, draft: Case, zhangsan: User
) -> None:
    plan_save(plan=plan, actor=zhangsan, data=broken(plan), base_revision=1)
    with pytest.raises(ValidationError) as caught:
        plan_attach(plan=plan, actor=zhangsan, case=draft)
    assert any("生进熟出" in line for line in caught.value.message_dict["plan"])
    assert not CaseMaterial.objects.filter(case=draft, material__name=LAYOUT).exists()
    assert floorplan_figures() == {"plans": 1, "first_passed": 0, "first_pass_rate": 0.0}
    plan.refresh_from_db()
    plan_save(plan=plan, actor=zhangsan, data=plan.revisions.get(number=1).data, base_revision=2)
    plan.refresh_from_db()
    plan_attach(plan=plan, actor=zhangsan, case=draft)
    # The plan counts once, by its first attempt.
    assert floorplan_figures()["plans"] == 1
    assert PlanSubmission.objects.filter(plan=plan).count() == 2


def test_attached_plan_is_the_material_marked_and_readable(
    plan: FloorPlan, draft: Case, zhangsan: User
) -> None:
    row = plan_attach(plan=plan, actor=zhangsan, case=draft)
    assert row.status == CaseMaterial.Status.PROVIDED
    assert row.provenance["kind"] == "tool" and row.provenance["revision"] == 1
    assert row.provenance["plan_sha256"] == plan.revisions.get().sha256
    text = "".join(page.extract_text() for page in PdfReader(row.file.open("rb")).pages)
    for expected in ("平面布局图", "1:100", "通过全部约束性规则", "烹饪间", "设备设施", "消毒柜"):
        assert expected in text, expected
    assert floorplan_figures() == {"plans": 1, "first_passed": 1, "first_pass_rate": 1.0}
    # The application needs no upload for it.
    case = case_submit(
        case=draft,
        actor=zhangsan,
        situations={"premises": "rent"},
        files={
            material_id(draft.item, "申请书"): pdf(),
            material_id(draft.item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )
    assert case.state == CaseState.SUBMITTED


def test_someone_elses_application_is_refused(plan: FloorPlan, draft: Case, lisi: User) -> None:
    theirs = plan_create(owner=lisi, template="noodle")
    with pytest.raises(PermissionDenied):
        plan_attach(plan=theirs, actor=lisi, case=draft)
    with pytest.raises(PermissionDenied):
        plan_attach(plan=plan, actor=lisi, case=draft)


def _submitted(plan: FloorPlan, draft: Case, zhangsan: User) -> Case:
    plan_attach(plan=plan, actor=zhangsan, case=draft)
    return case_submit(
        case=draft,
        actor=zhangsan,
        situations={"premises": "rent"},
        files={
            material_id(draft.item, "申请书"): pdf(),
            material_id(draft.item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )


def test_reviewer_comments_on_a_place_and_asks_for_a_correction(
    plan: FloorPlan, draft: Case, zhangsan: User, clerk: User, reviewer: User, lisi: User
) -> None:
    case = _submitted(plan, draft, zhangsan)
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        plan_comment_add(plan=plan, actor=lisi, x=5, y=5, text="看看")
    with pytest.raises(ValidationError) as caught:
        plan_correction_request(plan=plan, actor=reviewer)
    assert "comments" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        plan_comment_add(plan=plan, actor=reviewer, x=-1, y=5, text="")
    assert set(caught.value.message_dict) == {"x", "text"}
    plan_comment_add(plan=plan, actor=reviewer, x=5.5, y=4.5, text="洗消间与烹饪间之间须加隔断门")
    case = plan_correction_request(plan=plan, actor=reviewer)
    assert case.state == CaseState.CORRECTION
    row = CaseMaterial.objects.get(case=case, material__name=LAYOUT)
    assert row.status == CaseMaterial.Status.NEEDS_CORRECTION
    assert "洗消间与烹饪间之间须加隔断门" in row.correction_note

    # The applicant fixes the plan in the editor, attaches it again and resubmits: no upload.
    data = copy.deepcopy(plan.data)
    data["title"] = "小面馆（改）"
    plan_save(plan=plan, actor=zhangsan, data=data, base_revision=1)
    plan.refresh_from_db()
    plan_attach(plan=plan, actor=zhangsan, case=case)
    row.refresh_from_db()
    assert row.status == CaseMaterial.Status.PROVIDED and row.provenance["revision"] == 2
    case = case_resubmit(case=case, actor=zhangsan, files={})
    assert case.state != CaseState.CORRECTION
    # Once resubmitted, the plan is frozen until another correction.
    plan.refresh_from_db()
    with pytest.raises(Conflict):
        plan_save(plan=plan, actor=zhangsan, data=data, base_revision=2)


def test_the_inspection_checks_the_site_against_the_plan_s_rooms(
    plan: FloorPlan, draft: Case, zhangsan: User, clerk: User
) -> None:
    from tests.field.conftest import RULE
    from tongban.catalog.models import ServiceItem
    from tongban.field.models import Inspection

    ServiceItem.objects.filter(pk=draft.item_id).update(inspection=RULE)
    draft.item.refresh_from_db()
    case = _submitted(plan, draft, zhangsan)
    Case.objects.filter(pk=case.pk).update(
        form_data={**case.form_data, "premises_address": "西安市新城区示例路8号"}
    )
    case.refresh_from_db()
    case = lc.case_start_pre_review(case=case, actor=clerk)
    lc.case_accept(case=case, actor=clerk)
    checklist = Inspection.objects.get(case=case).checklist
    item = next(c for c in checklist if c["code"] == "floorplan")
    assert "第1版" in item["text"]
    for room in ("库房（库房，6㎡）", "烹饪间（烹饪区，15㎡）", "洗消间（餐用具清洗消毒区，9㎡）"):
        assert room in item["text"]


def test_the_scoreboard_counts_plans_by_their_first_submission(
    plan: FloorPlan, draft: Case, zhangsan: User
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tongban.analytics.scoreboard import Filters, Period, scoreboard

    plan_save(plan=plan, actor=zhangsan, data=broken(plan), base_revision=1)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        plan_attach(plan=plan, actor=zhangsan, case=draft)
    today = timezone.localdate()
    board = scoreboard(Period(today.replace(day=1), today), Filters())
    assert board["floorplans"] == {"plans": 1, "first_passed": 0, "first_pass_rate": 0.0}
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    earlier = scoreboard(Period(last_month.replace(day=1), last_month), Filters())
    assert earlier["floorplans"]["plans"] == 0


def test_only_who_may_see_a_plan_gets_its_pages_pdf_and_json(
    client: object, plan: FloorPlan, lisi: User, zhangsan: User
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    client.force_login(zhangsan)
    data = client.get(f"/tools/floorplan/{plan.pk}/plan.json")
    assert data.status_code == 200 and data.json()["rooms"] == plan.data["rooms"]
    pdf = client.get(f"/tools/floorplan/{plan.pk}/plan.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/tools/floorplan/{plan.pk}/plan.pdf?revision=9").status_code == 404
    client.force_login(lisi)
    for path in ("", "plan.json", "plan.pdf"):
        assert client.get(f"/tools/floorplan/{plan.pk}/{path}").status_code == 404


def test_a_refused_attach_goes_back_to_the_editor_with_the_reasons(
    client: object, plan: FloorPlan, draft: Case, zhangsan: User
) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    plan_save(plan=plan, actor=zhangsan, data=broken(plan), base_revision=1)
    client.force_login(zhangsan)
    answer = client.post(f"/tools/floorplan/{plan.pk}/attach/", {"case": draft.pk}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/tools/floorplan/{plan.pk}/?case={draft.pk}"
    assert "生进熟出" in answer.content.decode()
    assert not CaseMaterial.objects.filter(case=draft, material__name=LAYOUT).exists()
