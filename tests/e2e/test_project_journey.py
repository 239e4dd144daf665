"""Journey (issue 22, 帮办代办): an agent opens the demo construction project under the
enterprise's mandate and runs it from 立项 to 施工许可; the work list says what waits on
whom, and the project page shows its working days against the 26-day goal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from tests.cases.test_bundle_cases import complete_submission
from tests.e2e.test_case_journey import _sign_in
from tests.projects.test_projects import _agent_submits_what_is_ready, _decide_what_is_in
from tongban.accounts.models import User
from tongban.cases.bundles.services import bundle_submit
from tongban.cases.services.delegations import delegation_grant
from tongban.core.calendar import add_working_days
from tongban.projects.models import Project

pytestmark = pytest.mark.e2e
MONDAY = dt.date(2026, 3, 2)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def test_an_agent_runs_a_construction_project_against_26_days(
    page: Any, live_server: Any, live_demo_city: None
) -> None:
    base = live_server.url
    zhangsan = User.objects.get(username="zhangsan")
    with time_machine.travel(_at(MONDAY), tick=True):
        delegation_grant(
            applicant=zhangsan,
            agent=User.objects.get(username="wangwu"),
            valid_until=timezone.now() + dt.timedelta(days=120),
            enterprise=zhangsan.enterprises.get(name="西安某某书店有限公司"),
        )
        # The agent opens the project under the mandate.
        _sign_in(page, base, "wangwu")
        page.goto(f"{base}/projects/")
        form = page.get_by_test_id("project-start-form")
        form.get_by_label("项目名称").fill("示例产业园一期")
        form.get_by_label("项目代码").fill("2026-610100-47-01-000456")
        form.get_by_label("项目立项方式").select_option("record")
        form.get_by_label("环境影响评价类别").select_option("table")
        form.get_by_role("button", name="开办项目").click()
        page.get_by_test_id("project-days").wait_for()
        assert "目标 26 个工作日" in page.get_by_test_id("project-days").inner_text()
        project = Project.objects.get(code="2026-610100-47-01-000456")
        parent = project.bundle_case
        data, files = complete_submission(parent)
        bundle_submit(parent=parent, actor=project.agent, data=data, files=files)
        page.goto(f"{base}/projects/")
        worklist = page.get_by_test_id("agent-project").first.inner_text()
        assert "受理" in worklist  # the first stages wait on their departments

    # Each working day the departments decide what is in, and the agent supplies what the
    # next stages need from the enterprise.
    day = MONDAY
    while Project.objects.get(pk=project.pk).state == Project.State.OPEN:
        day = add_working_days(day, 1)
        with time_machine.travel(_at(day), tick=True):
            moved = _agent_submits_what_is_ready(parent.pk, project.agent)
            assert moved + _decide_what_is_in(parent.pk)

    with time_machine.travel(_at(day), tick=True):
        _sign_in(page, base, "wangwu")  # weeks later: a new session
        page.goto(f"{base}/projects/{project.pk}/")
        days = page.get_by_test_id("project-days").inner_text()
        assert "已取得施工许可" in days and "（目标 26 个工作日）" in days
        project.refresh_from_db()
        stages = page.get_by_test_id("project-stage")
        assert stages.count() >= 6
        permit = page.locator("[data-stage=permit]").inner_text()
        assert any(s in permit for s in ("已决定", "结果已制作", "已送达", "已办结")), permit
        from tongban.projects.presenters import project_days

        assert f"已用 {project_days(project)} 个工作日" in days
        assert page.get_by_test_id("project-bottleneck").count() == 0
