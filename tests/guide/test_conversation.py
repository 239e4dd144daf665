"""数小二: from a sentence, through the guide's own situation questions, to a tailored answer
with a button to apply; nothing about the person kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tongban.catalog.models import ServiceItem
from tongban.guide.models import GuideQuery

pytestmark = pytest.mark.usefixtures("catalogue")


def _options(html: str) -> list[tuple[str, str]]:
    """(href, label) of each option the page offers."""
    return [
        (href.replace("&amp;", "&"), label.strip())
        for href, label in re.findall(
            r'<a href="([^"]+)"[^>]*data-testid="ask-[a-z-]+">([^<]+)</a>', html
        )
    ]


def _follow(client: Client, label: str, html: str) -> str:
    href = next(h for h, text in _options(html) if text == label)
    response = client.get(href)
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_bookstore_through_the_questions_to_its_material_list(client: Client) -> None:
    html = client.get("/guide/ask/", {"q": "我想开一家书店"}).content.decode()
    assert "开书店一件事" in html
    html = _follow(client, "开书店一件事", html)
    assert "是否兼营饮品或食品？" in html  # the bundle guide's own question
    assert 'data-testid="ask-answer"' not in html
    html = _follow(client, "是（如书店咖啡）", html)
    # Then what the items that now apply ask (the food licence's 经营项目, the premises),
    # each once, until the answer.
    asked = []
    while 'data-testid="ask-answer"' not in html:
        options = [(h, label) for h, label in _options(html) if "s_" in h]
        assert options and len(asked) < 6
        asked.append(options[0][1])
        html = _follow(client, options[0][1], html)
    assert asked
    assert "食品经营许可" in html  # the drinks answer brings the food licence in
    assert html.count('data-testid="ask-item"') == 5
    assert 'data-testid="ask-fetched"' in html  # what the platform fetches is marked
    guide_link = re.search(r'href="(/guide/bundles/open-bookstore/\?[^"]+)"', html)
    assert guide_link and "s_drinks=yes" in guide_link.group(1)  # the guide it came from
    no_drinks = client.get(
        "/guide/ask/",
        {"q": "书店", "to": "bundle:open-bookstore", "s_drinks": "no", "s_premises": "own"},
    ).content.decode()
    assert no_drinks.count('data-testid="ask-item"') == 4
    assert "食品经营许可" not in no_drinks


def test_an_item_with_a_situation_ends_at_its_materials(client: Client) -> None:
    item = ServiceItem.objects.get(basic_code="000201001000", state="published")
    html = client.get("/guide/ask/", {"q": "孩子出生上户口"}).content.decode()
    html = _follow(client, item.name, html)
    question = item.situations.get()
    assert question.question in html
    first = question.options.order_by("order").first()
    assert first is not None
    html = _follow(client, first.label, html)
    answer = html[html.index('data-testid="ask-answer"') :]
    assert f"/apply/{item.code}/" in answer
    assert f"/guide/items/{item.code}/?s_{question.code}={first.code}" in answer.replace(
        "&amp;", "&"
    )
    for material in item.materials.all():
        applies = {f"{o.situation.code}.{o.code}" for o in material.applies_when.all()}
        shown = material.name in answer
        assert shown == (not applies or f"{question.code}.{first.code}" in applies), material


def test_an_item_without_questions_answers_at_once(client: Client) -> None:
    item = ServiceItem.objects.get(basic_code="000203002000", state="published")
    html = client.get("/guide/ask/", {"q": "社保卡"}).content.decode()
    html = _follow(client, item.name, html)
    assert 'data-testid="ask-answer"' in html
    days = re.search(r'data-testid="ask-days">([^<]+)<', html)
    assert days and float(days.group(1)) == float(item.promised_limit_days)
    visits = re.search(r'data-testid="ask-visits">(\d+)<', html)
    assert visits and int(visits.group(1)) == item.visits_required
    assert f"/apply/{item.code}/" in html


def test_nothing_found_asks_again(client: Client) -> None:
    html = client.get("/guide/ask/", {"q": "😀"}).content.decode()
    assert "没有找到" in html
    assert 'data-testid="ask-form"' in html
    assert GuideQuery.objects.get().results == 0


def test_the_pick_is_noted_as_opened_and_nothing_names_the_person(
    client: Client, zhangsan: Any
) -> None:
    client.force_login(zhangsan)
    html = client.get("/guide/ask/", {"q": "社保卡"}).content.decode()
    query = GuideQuery.objects.get()
    assert query.channel == "ask"
    _follow(client, "社会保障卡申领", html)
    query.refresh_from_db()
    assert query.opened.startswith("item:")
    assert GuideQuery.objects.count() == 1  # steps after the pick do not search again
    row = str(GuideQuery.objects.values().get())
    assert zhangsan.username not in row and zhangsan.real_name not in row


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "to": "item:nope"},
        {"q": "x", "to": "bundle:nope"},
        {"q": "x", "to": "nonsense"},
        {"q": "x", "to": "bundle:open-bookstore", "s_drinks": "maybe"},
        {"q": "书" * 300},
    ],
)
def test_tampered_addresses_get_a_page_not_an_error(client: Client, params: dict[str, str]) -> None:
    response = client.get("/guide/ask/", params)
    assert response.status_code == 200
    html = response.content.decode()
    if params.get("s_drinks") == "maybe":
        assert "是否兼营饮品或食品？" in html  # the bad answer is asked again


def test_the_kiosk_asks_on_its_own_page(client: Client) -> None:
    assert client.get("/hall/kiosk/ask/").status_code == 302  # only a signed-in kiosk
