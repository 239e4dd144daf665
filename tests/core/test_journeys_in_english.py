"""The catalogue's names in English on the pages of the citizen's journeys (issue 19, part 8):
items, departments, materials, life events and bundles carry an optional English name, moved
with the catalogue's YAML; the demo fills them; with English chosen, every journey page shows
them and not the Chinese names (the Chinese name stands where no English one is given).
"""

from __future__ import annotations

import random
import re

import pytest
import yaml
from django.test import Client
from django.utils import translation

from tongban.accounts.models import Department, User
from tongban.cases.bundles.services import bundle_start, bundle_submit
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import Bundle, LifeEvent, Material, ServiceItem
from tongban.catalog.services.transfer import catalog_export
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.forms.services import item_form
from tongban.forms.synthetic import fill_form

from ..cases.test_bundle_cases import complete_submission


def _main(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _granted(case: Case) -> Case:
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(department=case.department, role_grants__role="reviewer")
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    return lc.case_produce_result(case=case, actor=reviewer)


@pytest.mark.slow
def test_the_journey_pages_name_the_catalogue_in_english(demo_city: None) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name__startswith="出版物零售单位设立审批")
    draft = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.first(),
        idempotency_key="english-1",
        situations={"premises": "own"},
    )
    form = fill_form(item_form(item), draft.situations, {}, random.Random(8))  # noqa: S311
    case = _granted(case_submit(case=draft, actor=zhangsan, form_data=form, files={}))
    parent = bundle_start(
        actor=zhangsan,
        bundle=Bundle.objects.get(code="open-bookstore"),
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.get(name=NEW_COMPANY_NAME),
        choices={"drinks": "yes"},
        idempotency_key="english-b",
    )
    data, files = complete_submission(parent)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhangsan)
    pages = {"bundle draft": client.get(f"/my/bundles/{parent.pk}/").content.decode()}
    parent = bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)
    food = ServiceItem.objects.get(state="published", name="食品经营许可")
    paths = {
        "home": "/",
        "browse": "/guide/",
        "item guide": f"/guide/items/{item.code}/",
        "food guide": f"/guide/items/{food.code}/",
        "bundles": "/guide/bundles/",
        "bundle guide": "/guide/bundles/open-bookstore/?s_drinks=yes",
        "apply": f"/apply/{food.code}/",
        "my cases": "/my/cases/",
        "case": f"/my/cases/{case.pk}/",
        "bundle": f"/my/bundles/{parent.pk}/",
        "me": "/me/",
    }
    for name, path in paths.items():
        answer = client.get(path)
        assert answer.status_code == 200, (name, path, answer.status_code)
        pages[name] = answer.content.decode()
    published = list(ServiceItem.objects.filter(state="published"))
    for name, page in pages.items():
        text = _main(page)
        shown = [i for i in published if i.name_en in text]
        assert shown or name in {"home", "bundles"}, name
        for i in shown:  # the Chinese name is not shown on its own (only inside other text)
            alone = rf"(?<![\u4e00-\u9fff（）]){re.escape(i.name)}(?![\u4e00-\u9fff（）])"
            assert not re.search(alone, text), (name, i.name)
    assert "Food business licence application" in pages["food guide"]
    assert "Proof of title to the premises" in pages["food guide"]
    assert "Open a bookstore" in pages["bundles"]
    assert "开书店一件事" not in _main(pages["bundles"])
    assert "Opening a shop (bookstore, catering)" in pages["home"]
    assert "Xi&#x27;an Administration for Market Regulation" in pages["browse"]
    assert "Proof of title to the premises" in pages["bundle draft"]
    assert "Company registration (business licence)" in _main(pages["bundle"])


def test_every_demo_name_has_its_english_one_and_it_moves_with_the_yaml(
    demo_city: None,
) -> None:
    published = ServiceItem.objects.filter(state="published")
    assert all(i.name_en for i in published)
    assert all(m.name_en for m in Material.objects.filter(item__in=published))
    assert all(e.name_en for e in LifeEvent.objects.all())
    assert all(d.name_en for d in Department.objects.all())
    assert all(b.name_en for b in Bundle.objects.all())
    exported = yaml.safe_load(catalog_export())
    food = next(i for i in exported["items"] if i["name"] == "食品经营许可")
    assert food["name_en"] == "Food business licence"
    assert all("name_en" in m for m in food["materials"])
    assert all("name_en" in e for e in exported["life_events"])
    assert all("name_en" in k for k in exported["material_kinds"])


def test_without_an_english_name_the_chinese_one_stands(demo_city: None) -> None:
    item = ServiceItem.objects.filter(state="published").first()
    assert item is not None
    item.name_en = ""
    with translation.override("en"):
        assert item.local_name == item.name
    item.name_en = "Something"
    with translation.override("en"):
        assert item.local_name == "Something"
    with translation.override("zh-hans"):
        assert item.local_name == item.name
