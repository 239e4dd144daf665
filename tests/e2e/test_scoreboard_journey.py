"""Journey (issue 20, part 2): the administrator opens the city's scoreboard after the sweep
has aggregated a completed case and its rating, sees each figure's chart drawn with the
anchors beside it, filters by item, and downloads the table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tests.e2e.test_case_journey import _sign_in
from tests.e2e.test_rating_journey import _completed
from tongban.accounts.models import User
from tongban.analytics.daily import figures_refresh
from tongban.ratings.services import rating as rate

pytestmark = pytest.mark.e2e


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
def test_the_scoreboard_draws_its_figures_and_hands_out_the_table(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    case = _completed("e2e-scoreboard")
    rate.rating_case(actor=User.objects.get(username="zhangsan"), case=case, level=5)
    figures_refresh()
    _sign_in(page, base, "admin")
    page.get_by_test_id("nav-scoreboard").click()
    page.wait_for_url("**/manage/scoreboard/**")
    assert page.get_by_test_id("value-good_rate").inner_text() == "100.0"
    assert page.get_by_test_id("value-online_share").inner_text() == "100.0"
    page.locator("#chart-visits_per_case[data-rendered='yes'] canvas").first.wait_for()
    visits = page.get_by_test_id("figure-visits_per_case")
    assert "北京市" in visits.get_by_test_id("anchor").first.inner_text()
    visits.get_by_text("图表数据").click()
    assert "2026-03" in visits.locator("table").inner_text()
    page.get_by_label("事项").select_option(label=case.item.name)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**item={case.item.basic_code}**")
    assert page.get_by_test_id("value-good_rate").inner_text() == "100.0"
    with page.expect_download() as download:
        page.get_by_test_id("scoreboard-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
