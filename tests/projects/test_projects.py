"""帮办代办: an agent carries a construction project's whole approval chain under the
enterprise's mandate (scope, expiry, revocable); the project's working days are counted
against 26, each stage's too, with the bottleneck named; mandates used outside their scope,
after expiry or by someone else are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.test_bundle_cases import complete_submission
from tests.factories import UserFactory
from tongban.accounts.models import Delegation, Role, User
from tongban.cases.bundles.services import bundle_submit
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.delegations import delegation_grant
from tongban.catalog.models import ServiceItem
from tongban.core.calendar import add_working_days
from tongban.demo.delivery_seed import reviewer_for
from tongban.projects.models import Project
from tongban.projects.presenters import project_figures, project_page
from tongban.projects.services import project_start

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
MONDAY = dt.date(2026, 3, 2)
CODE = "2026-610100-47-01-000123"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def mandate(**scope: Any) -> Delegation:
    zhangsan = User.objects.get(username="zhangsan")
    return delegation_grant(
        applicant=zhangsan,
        agent=User.objects.get(username="wangwu"),
        valid_until=timezone.now() + dt.timedelta(days=90),
        enterprise=zhangsan.enterprises.get(name="西安某某书店有限公司"),
        **scope,
    )


def start(m: Delegation, key: str = "p1") -> Project:
    return project_start(
        actor=m.agent,
        mandate=m,
        name="示例产业园一期",
        code=CODE,
        choices={"investment": "record", "impact": "table"},
        idempotency_key=key,
    )


def _agent_submits_what_is_ready(parent_id: int, agent: User) -> int:
    """A stage dispatched as a draft (it needs what only the applicant gives) is completed
    and submitted by the agent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.cases.services.submission import case_submit, materials_applicable
    from tongban.core.synthetic import make_pdf

    moved = 0
    for case in Case.objects.filter(bundle_case_id=parent_id, state=CaseState.DRAFT).select_related(
        "item"
    ):
        status = dict(case.materials.values_list("material_id", "status"))
        files = {
            m.pk: SimpleUploadedFile(f"{m.pk}.pdf", make_pdf(m.name), "application/pdf")
            for m in materials_applicable(case)
            if m.requirement != "optional"
            and status.get(m.pk) not in ("provided", "resolved")
            and (m.source == "applicant" or status.get(m.pk) == "unavailable")
        }
        try:
            case_submit(case=case, actor=agent, files=files)
        except ValidationError as exc:
            if "bundle" in exc.message_dict:
                continue  # what it needs from the chain has no result yet
            raise
        moved += 1
    return moved


def _decide_what_is_in(parent_id: int) -> int:
    """Every stage waiting on its department is taken to its result, by that department."""
    moved = 0
    for case in Case.objects.filter(bundle_case_id=parent_id, state=CaseState.SUBMITTED):
        reviewer = reviewer_for(case)
        assert reviewer is not None, case.department
        case = lc.case_start_pre_review(case=case, actor=reviewer)
        case = lc.case_accept(case=case, actor=reviewer)
        case = lc.case_start_review(case=case, actor=reviewer)
        case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
        lc.case_produce_result(case=case, actor=reviewer)
        moved += 1
    return moved


def test_an_agent_carries_the_chain_from_filing_to_the_construction_permit(
    demo_city: None,
) -> None:
    with time_machine.travel(_at(MONDAY), tick=False):
        project = start(mandate())
        parent = project.bundle_case
        data, files = complete_submission(parent)
        bundle_submit(parent=parent, actor=project.agent, data=data, files=files)
        project = Project.objects.get(pk=project.pk)
        page = project_page(project)
    assert page["days"] is not None and page["goal"] == 26
    assert page["bottleneck"] is not None  # the first stages wait on their departments
    # The departments work one stage a day, each on the next working day.
    day = MONDAY
    while Project.objects.get(pk=project.pk).state == Project.State.OPEN:
        day = add_working_days(day, 1)
        with time_machine.travel(_at(day), tick=False):
            moved = _agent_submits_what_is_ready(parent.pk, project.agent)
            assert moved + _decide_what_is_in(parent.pk), list(
                Case.objects.filter(bundle_case_id=parent.pk).values_list(
                    "bundle_key", "state", "waiting_for"
                )
            )
    project = Project.objects.get(pk=project.pk)
    assert project.state == Project.State.DONE and project.done_on == day
    with time_machine.travel(_at(day), tick=False):
        page = project_page(project)
    stages = {s.key: s for s in page["stages"]}
    assert stages["permit"].done and page["bottleneck"] is None
    assert page["days"] == len({s.finished for s in stages.values()})  # one stage level a day
    assert page["days"] <= 26 and not page["over_goal"]
    figures = project_figures()
    assert (figures["done"], figures["on_time"], figures["median_days"]) == (1, 1, page["days"])
    assert figures["workload"][0]["agent"] == "王五"


def test_a_mandate_outside_its_scope_after_expiry_or_held_by_another_is_refused(
    demo_city: None,
) -> None:
    business_licence = ServiceItem.objects.get(state="published", basic_code="000105001000")
    with pytest.raises(PermissionDenied, match="委托授权不包含"):
        start(mandate(item_codes=[business_licence.code]))
    assert not Project.objects.exists()
    expired = mandate()
    Delegation.objects.filter(pk=expired.pk).update(valid_until=timezone.now())
    expired.refresh_from_db()
    with pytest.raises(ValidationError, match="已过期"):
        start(expired)
    revoked = mandate()
    Delegation.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    revoked.refresh_from_db()
    with pytest.raises(ValidationError):
        start(revoked)
    other_agent = UserFactory(username="agent-2", roles=[Role.AGENT])
    held = mandate()
    with pytest.raises(PermissionDenied):
        project_start(actor=other_agent, mandate=held, name="x", code=CODE, idempotency_key="x")
    with pytest.raises(ValidationError, match="项目代码"):
        project_start(actor=held.agent, mandate=held, name="x", code="123", idempotency_key="y")


def test_a_mandate_for_one_enterprise_does_not_reach_another(demo_city: None) -> None:
    from tongban.demo.exchange_seed import NEW_COMPANY_NAME

    m = mandate()
    project = start(m)
    zhangsan = User.objects.get(username="zhangsan")
    other = zhangsan.enterprises.get(name=NEW_COMPANY_NAME)
    mine = Case.objects.filter(bundle_case=project.bundle_case).first()
    assert m.agent.has_perm("cases.view_case", mine)
    Case.objects.filter(pk=mine.pk).update(enterprise=other)
    assert not m.agent.has_perm("cases.view_case", Case.objects.get(pk=mine.pk))
