"""一件事 cases: the bookstore bundle submitted once; children dispatched by dependencies; a
correction on one child leaves the others running; a refusal ends what depended on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import (
    bundle_case_form,
    bundle_case_guide,
    bundle_form_materials,
    bundle_start,
    bundle_submit,
)
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import Bundle
from tongban.core.synthetic import make_pdf
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.forms.synthetic import fill_form


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf("bundle material"), "application/pdf")


def start(key: str = "b1", drinks: str = "yes") -> BundleCase:
    zhangsan = User.objects.get(username="zhangsan")
    return bundle_start(
        actor=zhangsan,
        bundle=Bundle.objects.get(code="open-bookstore"),
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.get(name=NEW_COMPANY_NAME),
        choices={"drinks": drinks},
        idempotency_key=key,
    )


def complete_submission(parent: BundleCase) -> tuple[dict[str, Any], dict[str, Any]]:
    """A full answer to the merged form, and a file for every material the applicant gives."""
    import random

    merged = bundle_case_form(parent)
    data = fill_form(merged.schema, parent.choices, {}, random.Random(3))  # noqa: S311
    guide = bundle_case_guide(parent)
    online = bundle_form_materials(list(parent.children.all()), guide)
    files = {
        m.name: _pdf(f"{m.name}.pdf")
        for m in guide.materials
        if m.source == "applicant" and m.requirement == "required" and m.name not in online
    }
    return data, files


@pytest.mark.django_db
def test_the_bookstore_is_submitted_once_and_dispatched_by_its_dependencies(
    demo_city: None,
) -> None:
    parent = start()
    children = {c.bundle_key: c for c in parent.children.all()}
    assert set(children) == {"licence", "publication", "food", "eia", "signboard"}
    assert all(c.state == CaseState.DRAFT for c in children.values())
    zhangsan = User.objects.get(username="zhangsan")
    with pytest.raises(ValidationError) as error:
        bundle_submit(parent=parent, actor=zhangsan, data={}, files={})
    assert any(k.startswith("form.") for k in error.value.message_dict)
    assert all(c.state == CaseState.DRAFT for c in parent.children.all())

    data, files = complete_submission(parent)
    try:
        parent = bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)
    except ValidationError as exc:  # pragma: no cover — shows what was missing
        pytest.fail(str(exc.message_dict))
    assert parent.number and parent.state == "in_progress"
    states = dict(parent.children.values_list("bundle_key", "state"))
    assert states["licence"] == CaseState.SUBMITTED
    assert {states[k] for k in ("publication", "food", "eia", "signboard")} == {CaseState.DRAFT}

    # The licence department issues the licence; the four others go out at once.
    licence = Case.objects.get(bundle_case=parent, bundle_key="licence")
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=licence.department, role_grants__role="reviewer")
    licence = lc.case_start_pre_review(case=licence, actor=clerk)
    licence = lc.case_accept(case=licence, actor=clerk)
    licence = lc.case_start_review(case=licence, actor=reviewer)
    licence = lc.case_decide(case=licence, actor=reviewer, decision="grant", reason="")
    lc.case_produce_result(case=licence, actor=reviewer)
    states = dict(parent.children.values_list("bundle_key", "state"))
    assert {states[k] for k in ("publication", "food", "eia", "signboard")} == {
        CaseState.SUBMITTED
    }, states
    departments = set(parent.children.values_list("department__code", flat=True))
    assert len(departments) == 4  # scjg handles the licence and the food permit


def _licence_issued(parent: BundleCase) -> None:
    licence = Case.objects.get(bundle_case=parent, bundle_key="licence")
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=licence.department, role_grants__role="reviewer")
    licence = lc.case_start_pre_review(case=licence, actor=clerk)
    licence = lc.case_accept(case=licence, actor=clerk)
    licence = lc.case_start_review(case=licence, actor=reviewer)
    licence = lc.case_decide(case=licence, actor=reviewer, decision="grant", reason="")
    lc.case_produce_result(case=licence, actor=reviewer)


def _submitted(key: str = "b1", drinks: str = "yes") -> BundleCase:
    parent = start(key, drinks)
    data, files = complete_submission(parent)
    zhangsan = User.objects.get(username="zhangsan")
    return bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)


@pytest.mark.django_db
def test_one_correction_leaves_the_others_running_and_a_retry_changes_nothing(
    demo_city: None,
) -> None:
    parent = _submitted()
    zhangsan = User.objects.get(username="zhangsan")
    again = bundle_start(
        actor=zhangsan,
        bundle=parent.bundle,
        applicant=zhangsan,
        enterprise=parent.enterprise,
        choices={"drinks": "yes"},
        idempotency_key="b1",
    )
    assert again.pk == parent.pk and parent.children.count() == 5
    assert bundle_submit(parent=again, actor=zhangsan, data={}, files={}).number == parent.number
    _licence_issued(parent)
    food = Case.objects.get(bundle_case=parent, bundle_key="food")
    clerk = User.objects.get(username="clerk")
    food = lc.case_start_pre_review(case=food, actor=clerk)
    applicant_material = food.materials.filter(material__source="applicant").first()
    assert applicant_material is not None
    lc.case_request_correction(
        case=food, actor=clerk, problems={applicant_material.material_id: "图纸不清晰"}
    )
    states = dict(parent.children.values_list("bundle_key", "state"))
    assert states["food"] == CaseState.CORRECTION
    assert {states[k] for k in ("publication", "eia", "signboard")} == {CaseState.SUBMITTED}
    publication = Case.objects.get(bundle_case=parent, bundle_key="publication")
    publication = lc.case_start_pre_review(case=publication, actor=clerk)
    assert lc.case_accept(case=publication, actor=clerk).state == CaseState.ACCEPTED
    # The publication permit's licence was obtained by the platform (the demo company's
    # registration is on file already; otherwise from the licence child's result).
    row = publication.materials.get(material__source="item_output")
    assert row.status == "resolved" and row.provenance["kind"] in {"case", "exchange"}


@pytest.mark.django_db
def test_a_refused_licence_ends_what_depends_on_it(demo_city: None) -> None:
    parent = _submitted(drinks="no")
    assert parent.children.count() == 4  # no food permit without drinks
    licence = Case.objects.get(bundle_case=parent, bundle_key="licence")
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=licence.department, role_grants__role="reviewer")
    licence = lc.case_start_pre_review(case=licence, actor=clerk)
    licence = lc.case_accept(case=licence, actor=clerk)
    licence = lc.case_start_review(case=licence, actor=reviewer)
    lc.case_decide(case=licence, actor=reviewer, decision="deny", reason="名称与在先企业重复")
    states = set(parent.children.exclude(bundle_key="licence").values_list("state", flat=True))
    assert states == {CaseState.TERMINATED}
    ended = parent.children.get(bundle_key="publication")
    assert "未获准予" in ended.closing_reason


@pytest.mark.django_db
def test_bad_choices_and_unknown_fields_are_named(demo_city: None) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    with pytest.raises(ValidationError) as error:
        bundle_start(
            actor=zhangsan,
            bundle=Bundle.objects.get(code="open-bookstore"),
            applicant=zhangsan,
            enterprise=zhangsan.enterprises.get(name=NEW_COMPANY_NAME),
            choices={"drinks": "maybe"},
            idempotency_key="bad",
        )
    assert "situations.drinks" in error.value.message_dict
    assert not BundleCase.objects.exists()
    parent = start()
    data, files = complete_submission(parent)
    with pytest.raises(ValidationError) as error:
        bundle_submit(
            parent=parent,
            actor=zhangsan,
            data={**data, "nonsense": 1},
            files={**files, "不存在的材料": _pdf("x.pdf")},
        )
    assert {"form.nonsense", "materials.不存在的材料"} <= set(error.value.message_dict)
    assert parent.children.filter(state=CaseState.DRAFT).count() == 5


@pytest.mark.django_db
def test_only_the_applicant_sees_the_bundle_case(demo_city: None) -> None:
    from django.test import Client

    parent = start()
    url = f"/my/bundles/{parent.pk}/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    stranger = Client()
    stranger.force_login(User.objects.get(username="lisi"))
    assert stranger.get(url).status_code == 404
    owner = Client()
    owner.force_login(User.objects.get(username="zhangsan"))
    page = owner.get(url).content.decode()
    assert "一张表" in page and "一份材料清单" in page
    assert page.count('data-testid="bundle-child"') == 5
    mine = owner.get("/my/cases/").content.decode()
    assert "我的一件事" in mine and f"/my/bundles/{parent.pk}/" in mine


@pytest.mark.django_db
def test_only_the_applicant_submits(demo_city: None) -> None:
    from django.core.exceptions import PermissionDenied

    parent = start()
    data, files = complete_submission(parent)
    with pytest.raises(PermissionDenied):
        bundle_submit(
            parent=parent, actor=User.objects.get(username="lisi"), data=data, files=files
        )
    assert BundleCase.objects.get(pk=parent.pk).state == "draft"
