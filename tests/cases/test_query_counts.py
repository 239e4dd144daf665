"""The work list and the case page read a fixed number of queries, however many cases, events
and materials there are (`selectors.with_visit_counts`, `case_detail`; see decisions 8, 33)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import material_id, pdf
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem


def _submit(item: ServiceItem, applicant: User, key: str) -> Case:
    draft = case_save_draft(
        actor=applicant, code=item.code, applicant=applicant, idempotency_key=key
    )
    return case_submit(
        case=draft,
        actor=applicant,
        situations={"premises": "rent"},
        files={
            material_id(item, "申请书"): pdf(),
            material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_work_list_reads_the_same_queries_for_3_cases_as_for_12(
    item: ServiceItem, zhangsan: User, clerk: User
) -> None:
    client = Client()
    client.force_login(clerk)
    for n in range(3):
        _submit(item, zhangsan, f"a{n}")
    client.get("/workbench/")  # warm the per-process caches (item versions)
    few = _queries(client, "/workbench/")
    for n in range(9):
        lc.case_start_pre_review(case=_submit(item, zhangsan, f"b{n}"), actor=clerk)
    assert _queries(client, "/workbench/") == few


def test_the_case_page_reads_the_same_queries_however_long_its_timeline(
    item: ServiceItem, zhangsan: User, clerk: User, reviewer: User
) -> None:
    client = Client()
    client.force_login(clerk)
    case = lc.case_start_pre_review(case=_submit(item, zhangsan, "k"), actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    lc.case_extend(case=case, actor=reviewer, working_days=2, reason="需要补充检验")
    url = f"/workbench/cases/{case.pk}/"
    client.get(url)
    short = _queries(client, url)
    for n in range(4):
        case = lc.case_suspend(case=case, actor=reviewer, kind="expert_review", reason=f"第{n}次")
        case = lc.case_resume(case=case, actor=reviewer)
        lc.case_extend(case=case, actor=reviewer, working_days=1, reason=f"延期{n}")
    assert _queries(client, url) == short
