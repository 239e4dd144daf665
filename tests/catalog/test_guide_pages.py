"""The public guide: browsing, the item page, situations changing materials, QR code, PDF."""

from __future__ import annotations

import re
import zlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import ServiceItemFactory
from tongban.accounts.models import User
from tongban.catalog.models import Material, ServiceItem
from tongban.catalog.services import item_new_draft, item_publish, item_update_draft


@pytest.fixture
def item(db: None) -> ServiceItem:
    return ServiceItemFactory(with_guide=True, name="食品经营许可")


def test_the_portal_lists_departments_and_life_events(client: Client, demo_city: None) -> None:
    page = client.get("/").content.decode()
    assert "西安市市场监督管理局" in page
    assert "开办企业" in page and "出生落户" in page


def test_browsing_by_department_and_audience(client: Client, demo_city: None) -> None:
    page = client.get("/guide/?department=scjg").content.decode()
    assert "食品经营许可" in page
    assert "居民身份证换领" not in page
    person = client.get("/guide/?audience=person").content.decode()
    assert "居民身份证换领" in person and "建筑工程施工许可证核发" not in person
    assert client.get("/guide/?department=nosuch").status_code == 404


def test_the_guide_shows_limits_visits_and_conditions_with_their_basis(
    client: Client, item: ServiceItem
) -> None:
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert "法定办结时限" in page and "承诺办结时限" in page
    assert "具有固定经营场所" in page and "测试条例" in page
    assert "不见面审批" in page


def test_choosing_a_situation_changes_the_materials(client: Client, item: ServiceItem) -> None:
    own = client.get(f"/guide/items/{item.code}/materials/?s_premises=own").content.decode()
    rent = client.get(f"/guide/items/{item.code}/materials/?s_premises=rent").content.decode()
    assert "不动产权证书" in own and "房屋租赁合同" not in own
    assert "房屋租赁合同" in rent and "不动产权证书" not in rent
    assert "免提交" in own
    # An unknown option falls back to the default rather than failing.
    default = client.get(f"/guide/items/{item.code}/materials/?s_premises=zzz").content.decode()
    assert "不动产权证书" in default


def test_the_qr_code_encodes_the_guide_page_address(
    client: Client, item: ServiceItem, settings: object
) -> None:
    response = client.get(f"/guide/items/{item.code}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert f"http://testserver/guide/items/{item.code}/" in page


def test_the_qr_code_uses_the_public_address_when_configured(
    client: Client, item: ServiceItem, settings: object
) -> None:
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"  # type: ignore[attr-defined]
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert f"https://zwfw.example.gov.cn/guide/items/{item.code}/" in page


def test_the_printable_guide_is_a_pdf_with_the_font_embedded(
    client: Client, item: ServiceItem
) -> None:
    response = client.get(f"/guide/items/{item.code}/guide.pdf?s_premises=rent")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    fonts = _embedded_fonts(response.content)
    # Only the shipped Noto Sans SC, embedded: renders in a viewer with no Chinese fonts.
    assert fonts and all("Noto-Sans-SC" in f for f in fonts), fonts


def _embedded_fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            text = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        names.update(n.decode() for n in re.findall(rb"/FontName\s*/([^\s/]+)", text))
    return names


def test_unpublished_or_unknown_items_are_not_found(client: Client, item: ServiceItem) -> None:
    ServiceItem.objects.filter(pk=item.pk).update(state="draft")
    assert client.get(f"/guide/items/{item.code}/").status_code == 404
    assert client.get("/guide/items/nosuch/qr.svg").status_code == 404


def test_the_guide_page_needs_a_fixed_number_of_queries(
    client: Client, demo_city: None, zhangsan: User
) -> None:
    client.force_login(zhangsan)  # signed-in pages are rendered afresh, never from the cache
    food = ServiceItem.objects.get(name="食品经营许可", state="published")
    drinks = food.situations.get(code="business").options.get(code="drinks")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/guide/items/{food.code}/?s_business=drinks").status_code == 200
        return len(queries)

    count()  # the first request also renews the session
    before = count()
    for n in range(5):
        Material.objects.create(item=food, name=f"附加材料{n}").applies_when.set([drinks])
    assert count() == before


def test_a_cached_guide_shows_the_new_version_as_soon_as_it_is_published(
    client: Client, item: ServiceItem
) -> None:
    assert "承诺办结时限" in client.get(f"/guide/items/{item.code}/").content.decode()
    api_before = client.get(f"/api/catalog/items/{item.code}").json()
    list_before = client.get("/api/catalog/items").json()
    draft = item_new_draft(item=item)
    item_update_draft(item=draft, name="食品经营许可（新版）", promised_limit_days=2)
    item_publish(item=draft)
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert "食品经营许可（新版）" in page
    assert api_before["promised_limit_days"] == 5
    assert client.get(f"/api/catalog/items/{item.code}").json()["promised_limit_days"] == 2
    assert list_before["items"][0]["name"] == "食品经营许可"
    assert client.get("/api/catalog/items").json()["items"][0]["name"] == "食品经营许可（新版）"


def test_a_signed_in_visitor_sees_their_own_header_not_a_cached_one(
    client: Client, item: ServiceItem, zhangsan: User
) -> None:
    client.get(f"/guide/items/{item.code}/")  # warms the anonymous cache
    client.force_login(zhangsan)
    assert "张三" in client.get(f"/guide/items/{item.code}/").content.decode()


def test_the_guide_is_available_in_english(client: Client, item: ServiceItem) -> None:
    chinese = client.get(f"/guide/items/{item.code}/").content.decode()
    english = client.get(f"/guide/items/{item.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "法定办结时限" in chinese and "Legal time limit" not in chinese
    assert "Legal time limit" in english and "Administrative licensing" in english
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "For businesses" in client.get("/").content.decode()


def test_a_fetched_material_says_no_need_to_submit_and_hours_come_from_the_hall(
    client: Client, demo_city: None
) -> None:
    """Issue 19, part 5: 原件/复印件 "0 / 0" meant nothing; 办理时间 was "—"."""
    item = ServiceItem.objects.get(state="published", name="食品经营许可")
    page = client.get(f"/guide/items/{item.code}/?s_premises=own").content.decode()
    rows = page.split('data-testid="material"')[1:]
    fetched = [r for r in rows if "免提交" in r]
    assert fetched and all("无需提交" in r for r in fetched)
    assert "0 / 0" not in page
    assert "工作日 9:00-17:00" in page  # the catalogue's own 办理时间 when it states one
    silent = ServiceItem.objects.filter(state="published", hours="").first()
    assert silent is not None
    page = client.get(f"/guide/items/{silent.code}/").content.decode()
    hours = page.split('data-testid="guide-hours">')[1].split("</td>")[0]
    assert "工作日 08:30–18:00" in hours and "西安市政务服务中心" in hours


def test_an_item_with_a_form_offers_the_blank_form_and_a_sample(
    client: Client, demo_city: None
) -> None:
    import io

    from pypdf import PdfReader

    item = ServiceItem.objects.get(
        state="published", name="出版物零售单位设立审批（出版物经营许可证）"
    )
    page = client.get(f"/guide/items/{item.code}/").content.decode()
    assert 'data-testid="form-blank"' in page and 'data-testid="by-form"' in page
    blank = client.get(f"/guide/items/{item.code}/form-blank.pdf")
    sample = client.get(f"/guide/items/{item.code}/form-sample.pdf")
    assert blank["Content-Type"] == sample["Content-Type"] == "application/pdf"
    blank_text = "".join(PdfReader(io.BytesIO(blank.content)).pages[0].extract_text().split())
    sample_text = "".join(PdfReader(io.BytesIO(sample.content)).pages[0].extract_text().split())
    assert "出版物经营许可申请表" in blank_text and "空白表" in blank_text
    assert "样表" in sample_text and len(sample_text) > len(blank_text)
    no_form = ServiceItem.objects.filter(state="published", form={}).first()
    if no_form is not None:
        assert client.get(f"/guide/items/{no_form.code}/form-blank.pdf").status_code == 404
