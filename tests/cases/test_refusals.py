"""A refused step, in the API and on the workbench page: the status, and why in Chinese."""

from __future__ import annotations

from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.steps import CaseConflict
from tongban.core.errors import Conflict


def test_the_case_conflict_is_a_conflict(submitted: Case) -> None:
    assert isinstance(CaseConflict(submitted, "受理"), Conflict)


def test_the_api_answers_a_conflict_with_409_and_the_reason(submitted: Case, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    response = client.post(f"/api/cases/{submitted.pk}/accept", content_type="application/json")
    assert response.status_code == 409
    assert "不能执行“受理”" in response.json()["detail"]


def test_the_api_answers_a_step_the_actor_may_not_take_with_403(
    submitted: Case, zhangsan: User
) -> None:
    client = Client()
    client.force_login(zhangsan)
    response = client.post(f"/api/cases/{submitted.pk}/pre-review", content_type="application/json")
    assert response.status_code in (403, 404)
    assert response.json()["detail"]


def test_a_refused_step_on_a_page_shows_the_page_with_why(submitted: Case, clerk: User) -> None:
    """A window clerk may see the case but not review it: the case page again, with the
    reason, instead of a bare 403."""
    client = Client()
    client.force_login(clerk)
    response = client.post(f"/workbench/cases/{submitted.pk}/review/", follow=True)
    assert response.status_code == 200
    assert "无权对该办件执行“审查”" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_a_conflict_on_a_page_shows_the_page_with_why(submitted: Case, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    response = client.post(f"/workbench/cases/{submitted.pk}/accept/", follow=True)
    assert response.status_code == 200
    assert "不能执行“受理”" in response.content.decode()


def test_the_page_reads_a_step_with_the_api_schema_and_names_the_field(
    submitted: Case, clerk: User, reviewer: User
) -> None:
    """Extension days that are not a number: the same field and message on the page as in the
    API, never a server error."""
    from tongban.cases.services import lifecycle as lc

    case = lc.case_start_pre_review(case=submitted, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    client = Client()
    client.force_login(reviewer)
    page = client.post(
        f"/workbench/cases/{case.pk}/extend/",
        {"working_days": "三天", "reason": "需要补充检验"},
        follow=True,
    )
    assert page.status_code == 200
    assert "working_days：应为整数" in page.content.decode()
    api = client.post(
        f"/api/cases/{case.pk}/extend",
        {"working_days": "三天", "reason": "需要补充检验"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["errors"] == {"working_days": ["应为整数"]}
    case.refresh_from_db()
    assert not case.extensions.exists()


def test_an_unknown_step_on_the_workbench_is_not_found(submitted: Case, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    assert client.post(f"/workbench/cases/{submitted.pk}/withdraw/").status_code == 404
    assert client.post(f"/workbench/cases/{submitted.pk}/launch/").status_code == 404
