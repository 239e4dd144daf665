"""The scoreboard against a small history computed by hand: two cases and two ratings in
March 2026, aggregated by the sweep, every figure checked; filters, the year before, the
files and the API's refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.cases.conftest import item, material_id, pdf  # noqa: F401
from tests.factories import UserFactory
from tongban.accounts.models import Role, User
from tongban.analytics.daily import figures_refresh
from tongban.analytics.models import DailyCaseFigure
from tongban.analytics.scoreboard import Filters, Period, scoreboard
from tongban.cases.models import Case, Channel
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem
from tongban.ratings.models import BadRatingTask
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate

pytestmark = pytest.mark.django_db
MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _at(day: int, hour: int = 10) -> Any:
    return time_machine.travel(dt.datetime(2026, 3, day, hour - 8, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def history(
    item: ServiceItem,  # noqa: F811
    zhangsan: User,
    lisi: User,
    clerk: User,
    reviewer: User,
) -> dict[str, Case]:
    """张三 online (own premises: the platform fetches the property certificate), accepted
    Monday 2 March, decided Wednesday, picked up at the window Thursday (one visit), rated
    非常满意. 李四 at the window Tuesday 3 March (renting: both materials his; the visit of
    applying in person), decided the same day, handed over without a visit, rated 不满意;
    the department calls back Wednesday, finds it valid and fixes it at once."""
    with _at(2):
        one = case_save_draft(
            actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="a"
        )
        one = case_submit(
            case=one,
            actor=zhangsan,
            situations={"premises": "own"},
            files={material_id(item, "申请书"): pdf()},
        )
        one = lc.case_start_pre_review(case=one, actor=clerk)
        one = lc.case_accept(case=one, actor=clerk)
    with _at(4):
        one = lc.case_start_review(case=one, actor=reviewer)
        one = lc.case_decide(case=one, actor=reviewer, decision="grant", reason="")
        one = lc.case_produce_result(case=one, actor=reviewer)
    with _at(5):
        one = lc.case_deliver(case=one, actor=clerk, mode="window", in_person=True)
        one = lc.case_complete(case=one, actor=clerk)
        rate.rating_case(actor=zhangsan, case=one, level=5)
    with _at(3):
        two = case_save_draft(
            actor=clerk, code=item.code, applicant=lisi, idempotency_key="b", channel=Channel.WINDOW
        )
        two = case_submit(
            case=two,
            actor=clerk,
            situations={"premises": "rent"},
            files={
                material_id(item, "申请书"): pdf(),
                material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
            },
        )
        two = lc.case_start_pre_review(case=two, actor=clerk)
        two = lc.case_accept(case=two, actor=clerk, in_person=True)
        two = lc.case_start_review(case=two, actor=reviewer)
        two = lc.case_decide(case=two, actor=reviewer, decision="grant", reason="")
        two = lc.case_produce_result(case=two, actor=reviewer)
        two = lc.case_deliver(case=two, actor=clerk, mode="window", in_person=False)
        two = lc.case_complete(case=two, actor=clerk)
        bad = rate.rating_case(actor=lisi, case=two, level=2, reason="窗口解释不清")
    task = BadRatingTask.objects.get(rating=bad)
    with _at(4, 15):
        task = handling.task_callback(actor=reviewer, task=task, reached=True, note="已回访")
        task = handling.task_verify(actor=reviewer, task=task, valid=True, reason="属实")
        handling.task_fix(actor=reviewer, task=task, immediate=True, plan="培训", evidence="记录")
    with _at(6, 20):
        figures_refresh()
    return {"one": one, "two": two}


def _values(period: Period = MARCH, filters: Filters | None = None) -> dict[str, Any]:
    board = scoreboard(period, filters or Filters())
    return {f["definition"].code: f["value"] for f in board["figures"]}


def test_every_figure_as_computed_by_hand(history: dict[str, Case]) -> None:
    values = _values()
    assert values["visits_per_case"] == 1.0  # (1 pickup + 1 window application) / 2
    assert values["materials_by_applicant"] == 75.0  # 3 of 4: the certificate was fetched
    assert values["promised_vs_legal"] == -75.0  # (5 + 5) / (20 + 20) − 1
    assert values["used_vs_promised"] == 20.0  # (2 + 0) / (5 + 5)
    assert (values["used_median"], values["used_p90"]) == (0.0, 2.0)  # nearest rank of {0, 2}
    assert values["on_time_rate"] == 100.0
    assert values["online_share"] == 50.0
    assert values["same_day_share"] == 50.0  # 李四's, decided the day accepted
    assert values["no_visit_share"] == 0.0
    assert values["startup_days"] is None  # no 开办企业 item
    assert values["good_rate"] == 50.0
    assert values["callback_rate"] == 100.0
    assert values["rectification_rate"] == 100.0
    assert values["bad_on_time_rate"] == 100.0


def test_filters_the_year_before_and_the_series(
    history: dict[str, Case],
    item: ServiceItem,  # noqa: F811
) -> None:
    assert _values(filters=Filters(item=item.basic_code))["visits_per_case"] == 1.0
    assert _values(filters=Filters(item="nothing"))["visits_per_case"] is None
    assert _values(filters=Filters(audience="enterprise"))["online_share"] is None
    by_department = _values(filters=Filters(department=item.department_id))
    assert by_department["online_share"] == 50.0
    # Two filters read the daily rows; one (or none) the monthly: the same figures.
    both = _values(filters=Filters(item=item.basic_code, department=item.department_id))
    assert both == _values()
    board = scoreboard(Period(dt.date(2026, 2, 1), dt.date(2026, 4, 30)), Filters())
    visits = next(f for f in board["figures"] if f["definition"].code == "visits_per_case")
    assert visits["months"] == ["2026-02", "2026-03", "2026-04"]
    assert visits["series"] == [None, 1.0, None]
    assert visits["last_year"] is None and visits["series_last_year"] == [None, None, None]
    anchors = {a["anchor"].value: a["beats"] for a in visits["anchors"]}
    assert anchors == {0.27: False}


def test_the_refresh_is_incremental_and_idempotent(
    history: dict[str, Case], zhangsan: User
) -> None:
    rows = DailyCaseFigure.objects.count()
    with _at(9, 20):
        again = figures_refresh()
    assert DailyCaseFigure.objects.count() == rows
    assert again["days"] < 5  # only the days something happened to (and today)


def test_pages_files_and_refusals(
    history: dict[str, Case], admin_user: User, client: Client
) -> None:
    client.force_login(admin_user)
    page = client.get("/manage/scoreboard/?from=2026-03&to=2026-03")
    assert page.status_code == 200
    assert "件均跑动次数" in page.content.decode()
    csv = client.get("/manage/scoreboard.csv?from=2026-03&to=2026-03")
    assert csv.status_code == 200 and "件均跑动次数" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/manage/scoreboard.xlsx?from=2026-03&to=2026-03")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    report = client.get("/manage/scoreboard/report.pdf?to=2026-03")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF") and b"/ByteRange" in report.content  # sealed
    api = client.get("/api/analytics/scoreboard?from=2026-03&to=2026-03")
    figures = {f["code"]: f["value"] for f in api.json()["figures"]}
    assert figures["materials_by_applicant"] == 75.0
    bad = client.get("/api/analytics/scoreboard?from=2026-13")
    assert bad.status_code == 400 and "from" in bad.content.decode()
    assert client.get("/manage/scoreboard/?to=abc").status_code == 400


@pytest.mark.parametrize(
    ("roles", "status"),
    [(None, 401), ([Role.APPLICANT], 403), ([Role.REVIEWER], 403), ([Role.HALL_MANAGER], 200)],
)
def test_who_sees_the_scoreboard_api(client: Client, roles: list[str] | None, status: int) -> None:
    if roles is not None:
        client.force_login(UserFactory(roles=roles))
    assert client.get("/api/analytics/scoreboard").status_code == status
