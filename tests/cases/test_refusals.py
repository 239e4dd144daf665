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
