"""The case page tells the applicant where they are (issue 19, part 3): a step indicator with
what happens next, timeline entries that do not repeat their label, a clock that counts half
days and, once completed, the days actually used and whether the promise was kept; the
applicant entity and who applied for it; and /me/, the person's home."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.cases.test_lifecycle import _accepted
from tongban.accounts.models import Enterprise, User
from tongban.cases.models import Case, CaseState
from tongban.cases.presenters import event_note
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.clock import clock_status
from tongban.cases.where import case_steps, working_days_text
from tongban.catalog.models import ServiceItem
from tongban.core.synthetic import make_uscc


def test_working_days_read_as_people_say_them() -> None:
    assert working_days_text(1) == "1个工作日"
    assert working_days_text(14.5) == "14个半工作日"
    assert working_days_text(0.5) == "半个工作日"
    assert working_days_text(0) == "0个工作日"
    assert working_days_text(-2) == "超出2个工作日"


@given(st.integers(0, 400), st.booleans())
def test_every_whole_or_half_count_has_one_reading(whole: int, half: bool) -> None:
    text = working_days_text(whole + (0.5 if half else 0))
    assert ("半" in text) == half and (str(whole) in text) == (whole > 0 or not half)


@pytest.mark.parametrize(
    ("state", "current"),
    [
        (CaseState.DRAFT, "提交"),
        (CaseState.SUBMITTED, "受理"),
        (CaseState.CORRECTION, "受理"),
        (CaseState.IN_REVIEW, "审查"),
        (CaseState.SUSPENDED, "审查"),
        (CaseState.DECIDED, "决定"),
        (CaseState.RESULT_READY, "送达"),
        (CaseState.DELIVERED, "办结"),
    ],
)
def test_the_step_indicator_marks_the_current_step(state: str, current: str) -> None:
    progress = case_steps(Case(state=state))
    labels = [s["label"] for s in progress["steps"]]
    assert labels == ["提交", "受理", "审查", "决定", "送达", "办结"]
    now = [s for s in progress["steps"] if s["status"] == "current"]
    assert [s["label"] for s in now] == [current] and progress["next"]
    before = labels.index(current)
    assert all(s["status"] == "done" for s in progress["steps"][:before])


def test_a_completed_case_has_every_step_done_and_a_withdrawn_one_stops() -> None:
    done = case_steps(Case(state=CaseState.COMPLETED))
    assert {s["status"] for s in done["steps"]} == {"done"}
    stopped = case_steps(Case(state=CaseState.WITHDRAWN, accepted_on=dt.date(2026, 3, 2)))
    assert [s["status"] for s in stopped["steps"]][:3] == ["done", "done", "stopped"]


def test_a_note_that_repeats_the_label_is_dropped() -> None:
    assert event_note("draft", "创建申请") == ""
    assert event_note("submit", " 提交申请 ") == ""
    assert event_note("visit", "到现场：窗口受理") == "到现场：窗口受理"


def test_a_half_day_promise_counts_half_days_and_completion_says_if_it_was_kept(
    submitted: Case, clerk: User, reviewer: User, item: ServiceItem
) -> None:
    ServiceItem.objects.filter(pk=item.pk).update(promised_limit_days=Decimal("4.5"))
    case = Case.objects.get(pk=submitted.pk)
    case = lc.case_start_review(case=_accepted(case, clerk), actor=reviewer)
    start = clock_status(case, on=dt.date(2026, 3, 2))
    assert (start.promised, start.left, start.left_exact) == (4.5, 5, 4.5)
    assert working_days_text(start.left_exact) == "4个半工作日"
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    case = lc.case_produce_result(case=case, actor=reviewer)
    case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=True)
    with time_machine.travel(dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)):
        case = lc.case_complete(case=case, actor=clerk)
    done = clock_status(case, on=dt.date(2026, 4, 1))
    assert done.completed and done.within_promise and done.used == 2
    page = _page(case, case.applicant)
    assert "实际用时" in page and "2个工作日" in page and "在承诺时限内办结" in page
    assert "剩余" not in page.split('data-testid="clock"')[1].split("</div>\n  </div>")[0]


def _page(case: Case, user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/my/cases/{case.pk}/").content.decode()


def test_the_case_page_shows_the_steps_and_no_repeated_labels(
    submitted: Case, zhangsan: User
) -> None:
    page = _page(submitted, zhangsan)
    assert 'data-testid="case-steps"' in page and 'aria-current="step"' in page
    assert "窗口正在审核申请材料" in page
    timeline = page.split('data-testid="timeline"')[1]
    assert timeline.count("创建申请") == 1 and timeline.count("提交申请") == 1


def test_an_application_for_a_company_names_the_company_and_its_handler(
    item: ServiceItem, zhangsan: User
) -> None:
    from tongban.cases.services.submission import case_save_draft

    company = Enterprise.objects.create(
        name="西安测试书店有限公司",
        uscc=make_uscc("91", "610102", 52_000_777),
        legal_representative="张三",
        region_code="610102",
    )
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="e")
    Case.objects.filter(pk=case.pk).update(enterprise=company)
    head = _page(Case.objects.get(pk=case.pk), zhangsan).split('data-testid="case-applicant"')[1]
    head = head.split("</p>")[0]
    assert "申请单位" in head and "西安测试书店有限公司" in head and "经办人" in head


def test_me_is_the_persons_home(submitted: Case, zhangsan: User) -> None:
    assert Client().get("/me/").status_code == 302
    client = Client()
    client.force_login(zhangsan)
    response = client.get("/me/")
    page = response.content.decode()
    assert response.status_code == 200
    for part in ("me-cases", "me-appointments", "me-certificates", "me-messages"):
        assert f'data-testid="{part}"' in page
    assert submitted.item.name in page
