"""Errors look like the platform (issue 19, part 7): 403, 404, a stale form (CSRF) and 500 are
Chinese-first pages with the portal's header and a way back; a refusal names the role the page
needs; the portal has a favicon."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from tongban.accounts.models import User
from tongban.core.pages import server_error


def test_an_unknown_address_is_the_portals_404(db: None) -> None:
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<header class="site">' in page and "页面不存在" in page and "回到首页" in page
    assert "Page not found" not in page and "favicon.svg" in page


def test_the_catalog_overview_tells_a_data_steward_which_role_it_needs(steward: User) -> None:
    client = Client()
    client.force_login(steward)
    response = client.get("/manage/catalog/")
    page = response.content.decode()
    assert response.status_code == 403 and '<header class="site">' in page
    assert "仅系统管理员和大厅管理员可查看事项清单概况" in page and "403 Forbidden" not in page


def test_a_stale_form_is_refused_on_a_page_of_the_portal(zhangsan: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(zhangsan)
    response = client.post("/messages/read-all/")
    page = response.content.decode()
    assert response.status_code == 403 and '<header class="site">' in page
    assert "页面已过期" in page and "CSRF" not in page


@pytest.mark.django_db
def test_a_fault_is_the_portals_500_page_without_touching_the_database(
    django_assert_num_queries: object,
) -> None:
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and '<header class="site">' in page
    assert "系统暂时出了问题" in page and "Server Error" not in page and 'href="/"' in page


def test_the_portal_has_a_favicon(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
