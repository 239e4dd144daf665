"""Staff find any case in one box (issue 19, part 4): by case or 一件事 number, the applicant's
full ID number (matched by keyed digest: the number is in no SQL statement and no log) or name,
a credit code, or part of an item's name; within the staff member's scope. A fetched material
that contradicts the item's conditions is flagged to the reviewer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.cases.test_lifecycle import _accepted
from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Enterprise, Role, User
from tongban.cases.models import Case
from tongban.cases.selectors import case_search
from tongban.catalog.models import Material, ServiceItem, data_checks_problems
from tongban.core.ids import id_digest
from tongban.core.models import AuditRecord
from tongban.core.synthetic import make_uscc


def _search(user: User, query: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.post("/workbench/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_search_box_finds_a_case_by_each_of_its_names(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    case = _accepted(submitted, clerk)
    assert zhangsan.id_number_digest == id_digest(str(zhangsan.id_number))
    for query in (case.number, case.number.lower(), zhangsan.real_name, "食品经营", "经营许"):
        assert [c.pk for c in case_search(clerk, query)] == [case.pk], query
    assert list(case_search(clerk, "不存在的事项")) == []
    page = _search(clerk, str(zhangsan.id_number))
    assert "：找到 1 件" in page and case.number in page
    assert str(zhangsan.id_number) not in page  # nor echoed back


def test_an_id_number_is_matched_by_digest_and_never_written_in_clear(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    number = str(zhangsan.id_number)
    with CaptureQueriesContext(connection) as queries:
        found = _search(clerk, number)
    assert "：找到 1 件" in found
    assert not [q["sql"] for q in queries.captured_queries if number in q["sql"]]
    record = AuditRecord.objects.filter(action="cases.search").get()
    assert number not in str(record.changes) and record.changes["found"][1] == [submitted.pk]


def test_a_credit_code_finds_the_enterprises_cases(submitted: Case, clerk: User) -> None:
    uscc = make_uscc("91", "610102", 52_000_901)
    company = Enterprise.objects.create(
        name="西安测试商贸有限公司", uscc=uscc, legal_representative="张三", region_code="610102"
    )
    Case.objects.filter(pk=submitted.pk).update(enterprise=company)
    assert [c.pk for c in case_search(clerk, uscc.lower())] == [submitted.pk]
    assert [c.pk for c in case_search(clerk, "测试商贸")] == [submitted.pk]


def test_the_search_keeps_to_the_staff_members_scope(submitted: Case, zhangsan: User) -> None:
    other = UserFactory(
        username="other-reviewer", roles=[Role.REVIEWER], department=DepartmentFactory(code="x")
    )
    assert list(case_search(other, zhangsan.real_name)) == []
    assert list(case_search(zhangsan, zhangsan.real_name)) == []  # an applicant is no staff
    client = Client()
    client.force_login(zhangsan)
    assert client.post("/workbench/", {"q": zhangsan.real_name}).status_code == 403


def test_a_query_too_short_says_what_to_type(clerk: User) -> None:
    page = _search(clerk, " 张 ")
    assert "请输入至少2个字" in page


@pytest.mark.django_db
def test_a_bundle_number_finds_every_part(demo_city: None) -> None:
    from tests.cases.test_bundle_cases import complete_submission, start
    from tongban.cases.bundles.services import bundle_submit

    zhangsan = User.objects.get(username="zhangsan")
    parent = start()
    data, files = complete_submission(parent)
    parent = bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)
    clerk = User.objects.get(username="clerk")
    found = {c.pk for c in case_search(clerk, parent.number)}
    assert found == set(parent.children.values_list("pk", flat=True)) and len(found) > 1


def test_fetched_data_that_contradicts_the_items_conditions_is_flagged(
    item: ServiceItem, zhangsan: User, clerk: User
) -> None:
    from tongban.cases.services.submission import case_save_draft

    deed = item.materials.get(name="不动产权证书")
    deed.data_checks = [
        {
            "field": "证书号",
            "forbidden": ["陕（2025）西安市不动产权第0000001号"],
            "message": "该房产已被查封，请核实",
        }
    ]
    deed.full_clean()
    deed.save()
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="f")
    from tests.cases.conftest import material_id, pdf
    from tongban.cases.services.submission import case_submit

    case = case_submit(
        case=case,
        actor=zhangsan,
        situations={"premises": "own"},
        files={material_id(item, "申请书"): pdf()},
    )
    row = case.materials.get(material=deed)
    assert row.flags == ["证书号为“陕（2025）西安市不动产权第0000001号”：该房产已被查封，请核实"]
    staff = Client()
    staff.force_login(clerk)
    page = staff.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'data-testid="material-flag"' in page and "该房产已被查封" in page
    mine = Client()
    mine.force_login(zhangsan)
    assert "该房产已被查封" not in mine.get(f"/my/cases/{case.pk}/").content.decode()


def test_data_checks_are_validated_where_they_are_written() -> None:
    assert data_checks_problems([{"field": "用途", "forbidden": ["住宅"], "message": "核实"}]) == []
    assert data_checks_problems("住宅") == ["数据核对规则应为列表"]
    bad = data_checks_problems([{"field": "用途", "message": "核实"}, {"forbidden": ["x"]}])
    assert any("允许值" in p for p in bad) and any("核对字段" in p for p in bad)
    material = Material(data_checks=[{"field": "用途", "allowed": ["商业"], "message": "须为商业"}])
    assert material.data_flags({"用途": "住宅"}) == ["用途为“住宅”：须为商业"]
    assert material.data_flags({"用途": "商业"}) == [] and material.data_flags({}) == []


def test_only_a_person_looked_up_is_an_audited_reading(
    submitted: Case, clerk: User, zhangsan: User
) -> None:
    _search(clerk, "食品经营")  # an item's name: nobody's personal information
    assert not AuditRecord.objects.filter(action="cases.search").exists()
    _search(clerk, zhangsan.real_name)
    record = AuditRecord.objects.filter(action="cases.search").get()
    assert record.changes["found"][1] == [submitted.pk]
