"""The portal's most visited pages are cached for anonymous visitors (core.pagecache): a
repeat visit costs one query (the revision of what the page shows) or none (the halls' live
figures, at most 5 s old); a change to the catalogue shows at once; the language switch is
a link, so no page carries a CSRF token; a signed-in visitor always gets their own page."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongban.accounts.models import User
from tongban.catalog.models import Bundle, ServiceItem
from tongban.catalog.services import item_new_draft, item_publish, item_update_draft

# Each page and the queries a repeat anonymous visit may make.
PAGES = {"/": 1, "/guide/": 1, "/guide/?department=&audience=person": 1, "/guide/bundles/": 1}
PAGES |= {"/guide/ask/": 1, "/hall/": 0}


def _visit(client: Client, path: str) -> tuple[int, bool, str]:
    """The queries a visit made, whether it rendered a template, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), bool(response.templates), response.content.decode()


def _queries(client: Client, path: str) -> tuple[int, str]:
    count, _, page = _visit(client, path)
    return count, page


@pytest.mark.parametrize(("path", "repeat"), PAGES.items())
def test_a_repeat_anonymous_visit_is_served_from_the_cache(
    client: Client, demo_city: None, path: str, repeat: int
) -> None:
    with time_machine.travel("2026-03-02 10:00:01 +08:00", tick=False):
        first, rendered, page = _visit(client, path)
        again, rendered_again, cached = _visit(client, path)
    assert rendered and not rendered_again
    assert again == repeat <= first
    assert cached == page
    assert "csrfmiddlewaretoken" not in page
    assert not client.cookies.get("csrftoken")  # nothing personal was handed out


def test_the_home_page_shows_a_newly_published_item_at_once(
    client: Client, demo_city: None
) -> None:
    before = client.get("/guide/?q=新版").content.decode()
    assert "食品经营许可（新版）" not in before
    food = ServiceItem.objects.get(name="食品经营许可", state="published")
    draft = item_new_draft(item=food)
    item_update_draft(item=draft, name="食品经营许可（新版）")
    item_publish(item=draft)
    assert "食品经营许可（新版）" in client.get("/guide/?q=新版").content.decode()


def test_a_bundle_switched_off_leaves_the_bundle_list_at_once(
    client: Client, demo_city: None
) -> None:
    bundle = Bundle.objects.filter(active=True).first()
    assert bundle is not None
    assert bundle.name in client.get("/guide/bundles/").content.decode()
    bundle.active = False
    bundle.save()
    assert bundle.name not in client.get("/guide/bundles/").content.decode()


def test_the_halls_live_figures_are_at_most_five_seconds_old(
    client: Client, demo_city: None
) -> None:
    with time_machine.travel("2026-03-02 10:00:01 +08:00", tick=False):
        assert _queries(client, "/hall/")[0] > 0
        assert _queries(client, "/hall/")[0] == 0
    with time_machine.travel("2026-03-02 10:00:06 +08:00", tick=False):
        assert _queries(client, "/hall/")[0] > 0  # a new bucket: rendered afresh


def test_each_language_has_its_own_cached_page(client: Client, demo_city: None) -> None:
    chinese = client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "For businesses" in english and "For businesses" not in chinese
    assert client.get("/").content.decode() == chinese


def test_a_signed_in_visitor_gets_their_own_page_and_does_not_fill_the_cache(
    client: Client, demo_city: None
) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    client.force_login(zhangsan)
    mine = client.get("/").content.decode()
    assert "张三" in mine
    client.logout()
    client.cookies.clear()
    assert "张三" not in client.get("/").content.decode()


def test_asking_shuxiaoer_something_is_never_cached(client: Client, demo_city: None) -> None:
    first, _ = _queries(client, "/guide/ask/?q=开书店")
    again, page = _queries(client, "/guide/ask/?q=开书店")
    assert again > 1 and "书店" in page


def test_the_language_switch_is_a_link_that_sets_the_preference(
    client: Client, demo_city: None
) -> None:
    page = client.get("/guide/").content.decode()
    assert "/i18n/lang/en/?next=/guide/" in page
    response = client.get("/i18n/lang/en/?next=/guide/")
    assert response.status_code == 302 and response["Location"] == "/guide/"
    assert client.cookies["django_language"].value == "en"
    assert "For businesses" in client.get("/").content.decode()
    back = client.get("/i18n/lang/zh-hans/?next=/").content
    assert back == b""


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_the_language_switch_stays_on_the_site(client: Client, target: str) -> None:
    response = client.get("/i18n/lang/en/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_language_is_not_found(client: Client) -> None:
    assert client.get("/i18n/lang/fr/?next=/").status_code == 404
