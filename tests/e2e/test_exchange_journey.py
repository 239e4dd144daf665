"""Journey (issue 4, done when): in the demo city an enterprise applies for the bookstore's
publication permit and is asked only for what the exchange cannot provide; the page shows
where the rest came from; the enterprise's "who used my data" page lists the accesses with
purpose and case; the stats endpoint reports the reduction, computed from the cases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_case_journey import _sign_in

pytestmark = pytest.mark.e2e


def test_publication_permit_asks_only_for_what_sharing_cannot_provide(
    page: Any, live_server: Any, live_demo_city_with_cases: None, tmp_path: Path
) -> None:
    base = live_server.url

    _sign_in(page, base, "zhangsan")
    page.goto(f"{base}/guide/?event=open-shop")
    page.get_by_role("link", name="出版物零售单位设立审批（出版物经营许可证）").click()
    page.get_by_test_id("apply").click()
    page.get_by_role("button", name="开始申请").click()

    # Own premises (the default): the licence, the property and the ID come from sharing.
    rows = page.get_by_test_id("material-row")
    resolved = page.locator("[data-testid=material-row][data-resolved=yes]")
    asked = page.locator("[data-testid=material-row][data-resolved=no]")
    # The application form is filled online (it is that material): nothing is asked.
    assert rows.count() == 4 and resolved.count() == 4 and asked.count() == 0
    by_form = page.locator("[data-testid=material-row]", has=page.get_by_test_id("by-form"))
    assert "出版物经营许可申请表" in by_form.inner_text()
    provenance = resolved.get_by_test_id("provenance").all_inner_texts()
    assert any("西安市市场监督管理局“营业执照登记信息”" in p for p in provenance)
    assert any("西安市自然资源和规划局“不动产登记信息”" in p for p in provenance)
    assert any("西安市公安局“户籍信息”" in p for p in provenance)
    page.get_by_test_id("delivery-choose").get_by_label(re.compile("电子证照")).check()
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_test_id("case-state").inner_text() == "已提交"
    assert len(page.get_by_test_id("provenance").all_inner_texts()) == 4
    case_label = f"申请{page.url.rstrip('/').split('/')[-1]}"

    # Who used my (and my enterprise's) data, and why.
    page.get_by_role("link", name="谁查看了我的数据").click()
    page.wait_for_url(f"{base}/me/data-access/")
    page.get_by_test_id("access-row").first.wait_for()
    accesses = page.get_by_test_id("access-row").all_inner_texts()
    mine = [a for a in accesses if case_label in a]
    assert len(mine) == 3, (case_label, accesses[:5])
    assert all("西安市文化和旅游局（新闻出版）" in a for a in mine)
    assert all("办理“出版物零售单位设立审批" in a for a in mine)
    assert any("营业执照登记信息" in a for a in mine)

    # The figure: computed from the demo city's cases and this one.
    stats = page.request.get(f"{base}/api/exchange/stats").json()
    enterprise = stats["by_audience"]["enterprise"]
    assert 0.4 <= enterprise["reduction"] <= 0.6
    assert stats["by_item"]["000105022000"]["resolved_by_platform"] >= 3
