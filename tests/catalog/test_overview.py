"""The administrators' catalog overview page."""

from __future__ import annotations

from django.test import Client

from tongban.accounts.models import User


def test_hall_managers_see_the_figures_and_findings(
    client: Client, manager: User, demo_city: None
) -> None:
    client.force_login(manager)
    page = client.get("/manage/catalog/").content.decode()
    assert "事项清单概况" in page
    assert "前置条件缺法律依据的事项" in page
    assert "须提交物业服务企业出具的同意证明" in page  # the demo's deliberately unbased condition


def test_applicants_are_refused_and_anonymous_users_sent_to_login(
    client: Client, zhangsan: User, db: None
) -> None:
    response = client.get("/manage/catalog/")
    assert response.status_code == 302
    client.force_login(zhangsan)
    assert client.get("/manage/catalog/").status_code == 403
