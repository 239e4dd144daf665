"""The guide learns from what people ask: the keepers see the queries that found nothing or
led nowhere and add a 俗称 (versioned with the item) or a synonym from there."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.test import Client

from tongban.catalog.models import Bundle, ServiceItem
from tongban.catalog.services import catalog_export, catalog_import
from tongban.catalog.services.versions import item_new_draft
from tongban.core.models import AuditRecord
from tongban.guide.models import GuideQuery, Synonym
from tongban.guide.services import (
    alias_add,
    guide_search,
    synonym_add,
    synonym_retire,
    synonyms_export,
    synonyms_import,
)

pytestmark = pytest.mark.usefixtures("catalogue")


def _top(q: str) -> str:
    hits = guide_search(q, channel="api").hits
    return hits[0].doc.basic_code or hits[0].doc.code if hits else ""


def _published(basic_code: str) -> ServiceItem:
    return ServiceItem.objects.get(basic_code=basic_code, state="published")


def test_an_alias_is_a_new_published_version_and_is_found() -> None:
    assert _top("瞎编的叫法") == ""
    before = _published("000105050000")
    added = alias_add(target=f"item:{before.code}", alias="瞎编的叫法")
    assert added.published
    after = _published("000105050000")
    assert after.version == before.version + 1
    assert after.aliases[-1] == "瞎编的叫法"
    assert "瞎编的叫法" not in ServiceItem.objects.get(pk=before.pk).aliases  # frozen
    assert _top("瞎编的叫法") == "000105050000"
    assert AuditRecord.objects.filter(action="catalog.item_publish", object_id=str(after.pk))


def test_an_alias_for_an_item_being_edited_waits_in_its_draft() -> None:
    published = _published("000105030000")
    draft = item_new_draft(item=published)
    added = alias_add(target=f"item:{published.code}", alias="开个药铺")
    assert not added.published and added.version == draft.version
    draft.refresh_from_db()
    assert draft.state == "draft" and "开个药铺" in draft.aliases
    assert _published("000105030000").pk == published.pk


def test_a_bundle_alias_is_audited_and_found() -> None:
    alias_add(target="bundle:start-company", alias="当老板")
    assert Bundle.objects.get(code="start-company").aliases[-1] == "当老板"
    assert _top("当老板") == "start-company"
    assert AuditRecord.objects.filter(action="catalog.bundle_alias_add")


@pytest.mark.parametrize(
    ("target", "alias", "field", "message"),
    [
        ("item:nope", "x", "target", "不存在或未发布"),
        ("bundle:nope", "x", "target", "不存在"),
        ("case:1", "x", "target", "请选择"),
        ("bundle:start-company", "  ", "alias", "不能为空"),
        ("bundle:start-company", "开公司", "alias", "已有俗称"),
        ("bundle:start-company", "长" * 31, "alias", "不能超过30个字"),
    ],
)
def test_a_bad_alias_is_refused_by_name(target: str, alias: str, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        alias_add(target=target, alias=alias)
    assert message in " ".join(refused.value.message_dict[field])


def test_aliases_move_with_the_yaml_export() -> None:
    text = catalog_export()
    items = {i["basic_code"]: i for i in yaml.safe_load(text)["items"]}
    assert "社保卡" in items["000203002000"]["aliases"]
    items["000203002000"]["aliases"].append("社保卡补办")
    report = catalog_import(
        text=yaml.safe_dump({"items": [items["000203002000"]]}, allow_unicode=True)
    )
    assert report.new_versions
    assert "社保卡补办" in _published("000203002000").aliases
    bad = dict(items["000203002000"], aliases="社保卡")
    with pytest.raises(ValidationError) as refused:
        catalog_import(text=yaml.safe_dump({"items": [bad]}, allow_unicode=True))
    assert "俗称" in str(refused.value)


def test_a_synonym_changes_what_is_found_and_retiring_it_undoes_that() -> None:
    assert _top("撸串") == ""
    synonym = synonym_add(term="撸串", canonical="餐饮")
    assert _top("撸串") == "000105013000"
    with pytest.raises(ValidationError) as refused:
        synonym_add(term="撸串", canonical="餐饮")
    assert "已存在" in str(refused.value)
    synonym_retire(synonym=synonym)
    assert _top("撸串") == ""
    assert Synonym.objects.filter(term="撸串").count() == 1  # kept, marked retired
    assert AuditRecord.objects.filter(action="guide.synonym_retire")


@pytest.mark.parametrize(
    ("term", "canonical", "field"),
    [("", "餐饮", "term"), ("饭馆", "", "canonical"), ("饭馆", "饭馆", "canonical")],
)
def test_a_bad_synonym_is_refused_by_name(term: str, canonical: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        synonym_add(term=term, canonical=canonical)
    assert field in refused.value.message_dict


def test_synonyms_round_trip_as_yaml() -> None:
    text = synonyms_export()
    rows = yaml.safe_load(text)["synonyms"]
    assert {"term": "饭馆", "canonical": "餐饮"} in rows
    assert synonyms_import(text) == 0  # nothing new
    added = synonyms_import(yaml.safe_dump({"synonyms": [{"term": "整个店", "canonical": "门店"}]}))
    assert added == 1
    with pytest.raises(ValidationError) as refused:
        synonyms_import(yaml.safe_dump({"synonyms": [{"term": "", "canonical": "x"}, "y"]}))
    assert len(refused.value.message_dict["synonyms"]) == 2
    assert not Synonym.objects.filter(canonical="x").exists()  # all or nothing


def test_the_keepers_page_shows_what_found_nothing_and_adds_from_there(
    client: Client, admin_user: Any
) -> None:
    for q in ["撸串", "撸串", "社保卡"]:
        guide_search(q, channel="portal")
    client.force_login(admin_user)
    html = client.get("/manage/guide/").content.decode()
    nothing = html[
        html.index('data-testid="queries-nothing"') : html.index('data-testid="queries-nowhere"')
    ]
    assert "撸串" in nothing and "<td>2</td>" in nothing
    nowhere = html[html.index('data-testid="queries-nowhere"') :]
    assert "社保卡" in nowhere.split('data-testid="alias-form"')[0]
    response = client.post(
        "/manage/guide/vocabulary/", {"what": "synonym", "term": "撸串", "canonical": "餐饮"}
    )
    assert response.status_code == 302
    item = _published("000105013000")
    client.post(
        "/manage/guide/vocabulary/",
        {"what": "alias", "target": f"item:{item.code}", "alias": "烤串店"},
    )
    assert "烤串店" in _published("000105013000").aliases
    html = client.post(
        "/manage/guide/vocabulary/",
        {"what": "alias", "target": f"item:{item.code}", "alias": ""},
        follow=True,
    ).content.decode()
    assert "俗称不能为空" in html
    synonym = Synonym.objects.get(term="撸串")
    client.post(f"/manage/guide/synonyms/{synonym.pk}/retire/")
    synonym.refresh_from_db()
    assert synonym.retired_at is not None


@pytest.mark.parametrize("who", ["anonymous", "zhangsan", "clerk"])
def test_only_the_keepers_see_the_queries(client: Client, who: str, request: Any) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    page = client.get("/manage/guide/")
    add = client.post(
        "/manage/guide/vocabulary/", {"what": "synonym", "term": "a", "canonical": "b"}
    )
    if who == "anonymous":
        assert page.status_code == 302 and add.status_code == 302
    else:
        assert page.status_code == 403 and add.status_code == 403
    assert not Synonym.objects.filter(term="a").exists()


def test_old_queries_are_pruned() -> None:
    import datetime as dt

    from django.utils import timezone

    from tongban.guide.services import queries_prune

    guide_search("社保卡", channel="api")
    GuideQuery.objects.update(asked_at=timezone.now() - dt.timedelta(days=181))
    guide_search("社保卡", channel="api")
    assert queries_prune() == 1
    assert GuideQuery.objects.count() == 1


def test_the_synonym_command_exports_and_imports(tmp_path: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("guide_synonyms", "export", stdout=out)
    assert "饭馆" in out.getvalue()
    path = tmp_path / "s.yaml"
    path.write_text("synonyms:\n- {term: 撸串, canonical: 餐饮}\n", encoding="utf-8")
    out = StringIO()
    call_command("guide_synonyms", "import", str(path), stdout=out)
    assert "1" in out.getvalue()
    path.write_text("synonyms: nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("guide_synonyms", "import", str(path))
