"""The catalogue's names in English on the pages of the citizen's journeys (issue 19, part 8):
items, departments, materials, life events and bundles carry an optional English name, moved
with the catalogue's YAML; the demo fills them; with English chosen, every journey page shows
them and not the Chinese names (the Chinese name stands where no English one is given).
"""

from __future__ import annotations

import random
import re
from typing import Any

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
from tongban.demo.field_seed import demo_inspect
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
    demo_inspect(case)  # where the item inspects the site (the publication permit)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    return lc.case_produce_result(case=case, actor=reviewer)


def _journey_pages() -> tuple[dict[str, str], list[Case]]:
    """Every page of 张三's journeys, in English: a granted publication permit, the bookstore
    bundle (its draft, then submitted), his home, certificates, messages, appointments."""
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
    food_draft = case_save_draft(
        actor=zhangsan,
        code=food.code,
        applicant=zhangsan,
        enterprise=zhangsan.enterprises.first(),
        idempotency_key="english-food",
        situations={"business": "sale", "premises": "rent"},
    )
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
        "certificates": "/my/certificates/",
        "messages": "/messages/",
        "appointments": "/hall/appointments/",
        "data access": "/me/data-access/",
        "continue": f"/my/cases/{food_draft.pk}/continue/",
        "take a ticket": "/hall/xa-civic/",
        "verify": "/certificates/verify/",
    }
    for name, path in paths.items():
        answer = client.get(path)
        assert answer.status_code == 200, (name, path, answer.status_code)
        pages[name] = answer.content.decode()
    return pages, [case, *Case.objects.filter(bundle_case=parent)]


@pytest.mark.slow
def test_the_journey_pages_name_the_catalogue_in_english(demo_city: None) -> None:
    pages, _ = _journey_pages()
    published = list(ServiceItem.objects.filter(state="published"))
    for name, page in pages.items():
        text = _main(page)
        shown = [i for i in published if i.name_en in text]
        assert shown or name in {
            "home",
            "bundles",
            "appointments",
            "certificates",
            "take a ticket",
            "verify",
        }, name
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


CJK = re.compile(r"[\u4e00-\u9fff]+")


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list | tuple):
        return {s for v in value for s in _strings(v)}
    return set()


def _content(cases: list[Case]) -> set[str]:
    """What the pages show as content, not interface: the catalogue's own texts (summaries,
    conditions, laws, situations, form labels: the city's to translate), what the applicant
    and the registries gave, and the names of places (halls, lockers, districts)."""
    from tongban.certificates.models import Certificate
    from tongban.delivery.models import LockerBank
    from tongban.delivery.terms import city_districts
    from tongban.hall.models import Hall

    zhangsan = User.objects.get(username="zhangsan")
    words = {zhangsan.real_name}
    for enterprise in zhangsan.enterprises.all():
        words |= {enterprise.name, enterprise.address, enterprise.legal_representative}
    exported = yaml.safe_load(catalog_export())
    for item in exported["items"]:
        item.pop("name_en", None)
        for m in item["materials"]:
            m.pop("name", None)  # named in English
        words |= _strings({k: v for k, v in item.items() if k != "name"})
    for bundle in Bundle.objects.all():
        words |= _strings(bundle.definition) | {bundle.summary}
    for case in cases:
        words |= _strings(case.form_data) | {case.number or ""}
        for row in case.materials.all():
            words |= _strings(row.data)
    for hall in Hall.objects.all():
        words |= {hall.name, hall.address}
        words |= {w for c in hall.categories.all() for w in (c.name, c.description)}
    for bank in LockerBank.objects.all():
        words |= {bank.name, bank.place}
    words |= {name for _, name in city_districts()}
    from tongban.field.models import VisitInspector

    # The inspectors who came (names are people's, not the interface's).
    words |= {a.inspector.real_name for a in VisitInspector.objects.select_related("inspector")}
    for certificate in Certificate.objects.all():  # its number, and the seal's holder
        words |= {certificate.number, certificate.seal_holder}
    return {w for w in words if w and CJK.search(w)}


@pytest.mark.slow
def test_no_interface_string_is_left_in_chinese(demo_city: None) -> None:
    pages, cases = _journey_pages()
    content = sorted(_content(cases), key=len, reverse=True)
    leftovers = {}
    for name, page in pages.items():
        text = _main(page)
        for word in content:
            text = text.replace(word, " ")
        if found := CJK.findall(text):
            leftovers[name] = found
    assert not leftovers, leftovers
