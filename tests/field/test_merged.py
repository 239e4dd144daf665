"""A 一件事's departments inspect the shop once: the bookstore's publication permit (文旅) and
food licence (市场监管) at the same address share one visit, each department naming its own
inspectors and deciding its own part."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.cases.test_bundle_cases import _licence_issued, _pdf, complete_submission
from tests.field.conftest import signature_png
from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import (
    bundle_case_guide,
    bundle_form_materials,
    bundle_start,
    bundle_submit,
)
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import Bundle
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.field.models import FieldVisit, Inspection
from tongban.field.services import conclusion, onsite
from tongban.field.services.scheduling import slots_for, visit_assign, visit_choose_slot

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _bookstore_with_a_cafe() -> BundleCase:
    """The 开书店一件事 for a bookstore that also makes drinks: the food licence applies,
    and its drinks situation needs an inspection."""
    zhangsan = User.objects.get(username="zhangsan")
    parent = bundle_start(
        actor=zhangsan,
        bundle=Bundle.objects.get(code="open-bookstore"),
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.get(name=NEW_COMPANY_NAME),
        choices={"drinks": "yes", "business": "drinks"},
        idempotency_key="merged",
    )
    data, files = complete_submission(parent)
    guide = bundle_case_guide(parent)
    online = bundle_form_materials(list(parent.children.all()), guide)
    files.update(  # what the drinks situation adds (the layout of the premises)
        {
            m.name: _pdf(f"{m.name[:20]}.pdf")
            for m in guide.materials
            if m.source == "applicant" and m.requirement == "conditional" and m.name not in online
        }
    )
    return bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)


def _accept(case: Case) -> Case:
    clerk = User.objects.get(username="clerk")
    case = lc.case_start_pre_review(case=case, actor=clerk)
    return lc.case_accept(case=case, actor=clerk)


def _inspectors(code: str) -> list[User]:
    return list(
        User.objects.filter(department__code=code, role_grants__role="inspector").order_by("pk")
    )


def _reviewer(code: str) -> User:
    return User.objects.get(department__code=code, role_grants__role="reviewer")


def test_one_visit_for_two_departments(demo_city: None, client: Client) -> None:
    parent = _bookstore_with_a_cafe()
    _licence_issued(parent)
    publication = _accept(Case.objects.get(bundle_case=parent, bundle_key="publication"))
    first = Inspection.objects.get(case=publication)
    zhangsan = User.objects.get(username="zhangsan")
    visit_choose_slot(actor=zhangsan, visit=first.visit, starts_at=slots_for(first.visit)[0][0])
    visit = visit_assign(
        actor=_reviewer("whlv"),
        inspection=first,
        inspector_ids=[u.pk for u in _inspectors("whlv")],
    )
    assert visit.state == FieldVisit.State.SCHEDULED

    # The food licence is accepted later: its inspection joins the same visit, which waits
    # for the second department's inspectors before it is scheduled again.
    food = _accept(Case.objects.get(bundle_case=parent, bundle_key="food"))
    second = Inspection.objects.get(case=food)
    assert second.visit_id == first.visit_id
    visit.refresh_from_db()
    assert visit.state == FieldVisit.State.PROPOSED and visit.starts_at is not None
    visit = visit_assign(
        actor=_reviewer("scjg"),
        inspection=second,
        inspector_ids=[u.pk for u in _inspectors("scjg")],
    )
    assert visit.state == FieldVisit.State.SCHEDULED
    assert visit.assignments.count() == 4

    # The bundle's page shows one inspection with both departments' parts.
    client.force_login(zhangsan)
    page = client.get(f"/my/bundles/{parent.pk}/").content.decode()
    assert page.count('data-testid="bundle-visit"') == 1
    assert page.count('data-testid="bundle-visit-part"') == 2
    assert "2个部门一次上门" in page

    # Each department records and concludes only its own part.
    whlv, scjg = _inspectors("whlv"), _inspectors("scjg")
    with pytest.raises(PermissionDenied):
        onsite.entry_record(
            actor=whlv[0],
            visit=visit,
            client_id=uuid.uuid4(),
            inspection_id=second.pk,
            code=second.checklist[0]["code"],
            verdict="pass",
        )
    for inspection, people in ((first, whlv), (second, scjg)):
        for check in inspection.checklist:
            onsite.entry_record(
                actor=people[0],
                visit=visit,
                client_id=uuid.uuid4(),
                inspection_id=inspection.pk,
                code=check["code"],
                verdict="na" if "na" in check["options"] else "pass",
            )
    for person in whlv + scjg:
        onsite.signature_add(
            actor=person,
            visit=visit,
            client_id=uuid.uuid4(),
            role="inspector",
            image=signature_png(),
        )
    onsite.signature_add(
        actor=scjg[0],
        visit=visit,
        client_id=uuid.uuid4(),
        role="applicant",
        name="张三",
        image=signature_png(),
    )
    conclusion.inspection_conclude(
        actor=whlv[0], visit=visit, client_id=uuid.uuid4(), inspection_id=first.pk, result="pass"
    )
    visit.refresh_from_db()
    assert visit.state == FieldVisit.State.SCHEDULED  # the food part is still open
    conclusion.inspection_conclude(
        actor=scjg[1], visit=visit, client_id=uuid.uuid4(), inspection_id=second.pk, result="pass"
    )
    visit.refresh_from_db()
    assert visit.state == FieldVisit.State.DONE
