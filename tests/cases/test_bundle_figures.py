"""一件事 figures from real cases: the catalogue's serial and critical-path days, the working
days a completed bundle case took, visits per bundle case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from tests.cases.test_bundle_cases import _submitted
from tongban.accounts.models import User
from tongban.cases.bundles.figures import bundle_figures
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.demo.field_seed import demo_inspect

MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _through(case: Case, *, pickup: bool) -> None:
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=case.department, role_grants__role="reviewer")
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    demo_inspect(case)  # the publication permit's 实地核查
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    case = lc.case_produce_result(case=case, actor=reviewer)
    case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=pickup)
    lc.case_complete(case=case, actor=clerk)


@pytest.mark.django_db
def test_figures_from_a_completed_bookstore(demo_city: None) -> None:
    with time_machine.travel(MONDAY, tick=False):
        parent = _submitted(drinks="no")
        _through(Case.objects.get(bundle_case=parent, bundle_key="licence"), pickup=False)
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):  # Thursday
        children = Case.objects.filter(bundle_case=parent).exclude(bundle_key="licence")
        for child in children:
            _through(child, pickup=child.bundle_key == "publication")  # one pickup in person
    parent = BundleCase.objects.get(pk=parent.pk)
    assert parent.state == "completed"
    assert set(parent.children.values_list("state", flat=True)) == {CaseState.COMPLETED}
    figure = next(f for f in bundle_figures() if f.code == "open-bookstore")
    assert (figure.serial_days, figure.critical_days) == (Decimal("45.5"), Decimal("15"))
    assert (figure.submitted, figure.completed) == (1, 1)
    assert figure.elapsed_days == [3]  # Monday → Thursday
    assert figure.visits_per_case == 1.0
    assert figure.promised_median == 15.0  # no food permit: still the EIA's 0.5 + 14.5

    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    page = admin.get("/manage/overview/").content.decode()
    assert 'data-code="open-bookstore"' in page and "45.5 / 15" in page


@pytest.mark.django_db
def test_one_pickup_for_every_result(demo_city: None) -> None:
    from django.core.exceptions import ValidationError

    from tongban.cases.bundles.progress import bundle_deliver
    from tongban.cases.models import Visit

    clerk = User.objects.get(username="clerk")
    with time_machine.travel(MONDAY, tick=False):
        parent = _submitted(drinks="no")
        licence = Case.objects.get(bundle_case=parent, bundle_key="licence")
        reviewer = User.objects.get(department=licence.department, role_grants__role="reviewer")
        licence = lc.case_start_pre_review(case=licence, actor=clerk)
        licence = lc.case_accept(case=licence, actor=clerk)
        licence = lc.case_start_review(case=licence, actor=reviewer)
        licence = lc.case_decide(case=licence, actor=reviewer, decision="grant", reason="")
        lc.case_produce_result(case=licence, actor=reviewer)
        with pytest.raises(ValidationError) as error:
            bundle_deliver(parent=parent, actor=clerk, mode="window", in_person=True)
        assert "尚有事项的结果未制作完成" in error.value.messages[0]
        for child in Case.objects.filter(bundle_case=parent).exclude(bundle_key="licence"):
            reviewer = User.objects.get(department=child.department, role_grants__role="reviewer")
            child = lc.case_start_pre_review(case=child, actor=clerk)
            child = lc.case_accept(case=child, actor=clerk)
            demo_inspect(child)
            child = lc.case_start_review(case=child, actor=reviewer)
            child = lc.case_decide(case=child, actor=reviewer, decision="grant", reason="")
            lc.case_produce_result(case=child, actor=reviewer)
        applicant = Client()
        applicant.force_login(User.objects.get(username="zhangsan"))
        url = f"/workbench/bundles/{parent.pk}/deliver/"
        assert applicant.post(url, {"mode": "window"}).status_code == 404
        window = Client()
        window.force_login(clerk)
        answer = window.post(url, {"mode": "window", "in_person": "1"})
        assert answer.status_code == 302
        delivered = list(Case.objects.filter(bundle_case=parent))
    assert len(delivered) == 4 and {c.state for c in delivered} == {CaseState.DELIVERED}
    assert Visit.objects.filter(case__bundle_case=parent).count() == 1
