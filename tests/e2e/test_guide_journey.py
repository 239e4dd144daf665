"""Journey: a bookstore owner browses to the food licence, scans its QR code, picks a situation."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

pytestmark = pytest.mark.e2e


def _scan_qr(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the image"
    return str(results[0].text)


def test_browse_to_the_food_licence_scan_its_qr_and_see_materials_change(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="开办门店（书店、餐饮）").click()
    page.get_by_role("link", name="食品经营许可", exact=True).click()
    page.get_by_role("heading", name="食品经营许可").wait_for()
    guide_url = page.url

    # 一码明指南: the QR code on the page, read as a phone camera would, opens this guide.
    qr_target = _scan_qr(page.get_by_test_id("qr").screenshot())
    assert qr_target.startswith(live_server.url)
    page.goto(qr_target)
    assert page.url == guide_url
    page.get_by_role("heading", name="食品经营许可").wait_for()

    materials = page.get_by_test_id("material")
    layout = page.get_by_text("与食品经营相适应的主要设备设施布局")
    fumes = page.get_by_text("餐饮服务场所油烟排放及污水处理说明")
    assert layout.count() == 0
    before = materials.count()

    page.get_by_label("餐饮服务（含热食类制售）").check()
    layout.wait_for()
    assert fumes.count() == 1
    assert materials.count() == before + 3

    page.get_by_label("仅销售散装食品").check()
    layout.wait_for(state="detached")
    assert materials.count() == before

    # Renting instead of owning swaps the property certificate for the lease.
    assert page.get_by_text("场所租赁合同（租赁备案）").count() == 0
    page.get_by_label("租赁房屋").check()
    page.get_by_text("场所租赁合同（租赁备案）").wait_for()
    assert page.get_by_text("场所产权证明（不动产权证书）").count() == 0
