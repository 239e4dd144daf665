"""Queries: only granted fields, masked as the grant says; every access logged in the chain
and visible to the data subject; denials, expiry, revocation and unknown subjects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.accounts.models import Department, User
from tongban.core.audit import audit_verify
from tongban.core.models import AuditRecord
from tongban.exchange.models import AccessGrant, AccessLog, DataResource
from tongban.exchange.selectors import access_for_subject
from tongban.exchange.services.query import AccessDenied, exchange_query, subject_digest


def _query(reviewer: User, resource: DataResource, subject: str, **kw: object) -> object:
    return exchange_query(
        actor=reviewer,
        consumer=reviewer.department,  # type: ignore[arg-type]
        resource=resource,
        subject_key=subject,
        purpose="核验法定代表人身份",
        case_label="TB202611280001",
        **kw,  # type: ignore[arg-type]
    )


def test_a_granted_query_returns_masked_fields_and_is_logged(
    reviewer: User, population: DataResource, zhangsan: User
) -> None:
    result = _query(reviewer, population, str(zhangsan.id_number))
    assert result.result == "ok"  # type: ignore[attr-defined]
    record = result.record  # type: ignore[attr-defined]
    assert record["name"] == "张*"
    assert record["id_number"] == f"{zhangsan.id_number[:6]}********{zhangsan.id_number[-4:]}"
    assert record["address"].startswith("陕西省西安市") and "示例路" not in record["address"]
    assert record["ethnicity"] == "******"
    log = AccessLog.objects.get()
    assert (log.actor, log.consumer, log.resource, log.result) == (
        reviewer,
        reviewer.department,
        population,
        "ok",
    )
    assert log.purpose == "核验法定代表人身份" and log.case_label == "TB202611280001"
    assert log.fields == ["name", "id_number", "address", "ethnicity"]
    # The log finds its subject by a keyed digest and never holds the ID number itself.
    assert log.subject_digest == subject_digest(str(zhangsan.id_number))
    assert zhangsan.id_number not in str(AccessLog.objects.values().get())
    assert AuditRecord.objects.filter(action="exchange.access", object_id=str(log.pk)).exists()
    assert audit_verify().ok


def test_clear_fields_of_the_grant_come_back_unmasked(
    reviewer: User, population: DataResource, zhangsan: User
) -> None:
    AccessGrant.objects.update(clear_fields=["name"])
    result = _query(reviewer, population, str(zhangsan.id_number), fields=["name", "id_number"])
    assert (
        result.record
        == {  # type: ignore[attr-defined]
            "name": "张三",
            "id_number": f"{zhangsan.id_number[:6]}********{zhangsan.id_number[-4:]}",
        }
    )


def test_ungranted_fields_are_refused_by_name_and_the_refusal_is_logged(
    reviewer: User, population: DataResource, zhangsan: User
) -> None:
    AccessGrant.objects.update(fields=["name"])
    with pytest.raises(AccessDenied) as caught:
        _query(reviewer, population, str(zhangsan.id_number), fields=["name", "address"])
    assert "户籍地址（address）" in str(caught.value)
    log = AccessLog.objects.get()
    assert log.result == "denied" and "address" in log.detail


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"state": AccessGrant.State.REVOKED}, "已被撤销"),
        ({"valid_until": dt.date(2020, 1, 1)}, "到期"),
        ({"state": AccessGrant.State.REQUESTED}, "待审核"),
    ],
)
def test_a_revoked_expired_or_pending_grant_is_refused(
    reviewer: User,
    population: DataResource,
    zhangsan: User,
    change: dict[str, object],
    reason: str,
) -> None:
    AccessGrant.objects.update(**change)
    with pytest.raises(AccessDenied) as caught:
        _query(reviewer, population, str(zhangsan.id_number))
    assert reason in str(caught.value)
    assert AccessLog.objects.get().result == "denied"


def test_another_department_has_no_grant(
    population: DataResource, zhangsan: User, police_steward: User
) -> None:
    with pytest.raises(AccessDenied) as caught:
        exchange_query(
            actor=police_steward,
            consumer=police_steward.department,  # type: ignore[arg-type]
            resource=population,
            subject_key=str(zhangsan.id_number),
            purpose="测试",
        )
    assert "没有“户籍信息”的共享授权" in str(caught.value)


def test_staff_cannot_query_in_another_departments_name(
    reviewer: User, population: DataResource, zhangsan: User, police: Department
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        exchange_query(
            actor=reviewer,
            consumer=police,
            resource=population,
            subject_key=str(zhangsan.id_number),
            purpose="测试",
        )
    assert not AccessLog.objects.exists()


def test_an_unknown_subject_is_a_no_record_result(
    reviewer: User, population: DataResource, lisi: User
) -> None:
    result = _query(reviewer, population, str(lisi.id_number))
    assert result.result == "no_record" and result.record == {}  # type: ignore[attr-defined]
    assert AccessLog.objects.get().result == "no_record"


def test_an_invalid_subject_or_field_is_a_clear_error_and_nothing_is_logged(
    reviewer: User, population: DataResource
) -> None:
    with pytest.raises(ValidationError) as caught:
        _query(reviewer, population, "610102199001011234")
    assert "subject" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _query(reviewer, population, "610102199001011235", fields=["salary"])
    assert "fields" in caught.value.message_dict or "subject" in caught.value.message_dict
    assert not AccessLog.objects.exists()


def test_the_subject_sees_who_read_their_data_and_nobody_elses(
    reviewer: User, population: DataResource, zhangsan: User, lisi: User
) -> None:
    _query(reviewer, population, str(zhangsan.id_number))
    _query(reviewer, population, str(lisi.id_number))
    mine = list(access_for_subject(zhangsan))
    assert len(mine) == 1
    assert mine[0].consumer == reviewer.department and mine[0].case_label == "TB202611280001"
    assert [e.result for e in access_for_subject(lisi)] == ["no_record"]


def test_the_subject_page_and_api_list_the_access(
    client: object, reviewer: User, population: DataResource, zhangsan: User
) -> None:
    _query(reviewer, population, str(zhangsan.id_number))
    client.force_login(zhangsan)  # type: ignore[attr-defined]
    page = client.get("/me/data-access/").content.decode()  # type: ignore[attr-defined]
    assert "核验法定代表人身份" in page and "TB202611280001" in page
    assert "测试市市场监督管理局" in page and "户籍信息" in page
    rows = client.get("/api/exchange/my-access").json()  # type: ignore[attr-defined]
    assert rows[0]["purpose"] == "核验法定代表人身份" and rows[0]["result"] == "ok"


def test_the_query_api_answers_in_chinese_with_the_right_status(
    client: object, reviewer: User, population: DataResource, zhangsan: User
) -> None:
    client.force_login(reviewer)  # type: ignore[attr-defined]

    def post(**body: object) -> object:
        return client.post(  # type: ignore[attr-defined]
            "/api/exchange/query", body, content_type="application/json"
        )

    ok = post(resource="res.population", subject=zhangsan.id_number, purpose="核验")
    assert ok.status_code == 200 and ok.json()["record"]["name"] == "张*"  # type: ignore[attr-defined]
    AccessGrant.objects.update(fields=["name"])
    denied = post(
        resource="res.population", subject=zhangsan.id_number, purpose="核验", fields=["address"]
    )
    assert denied.status_code == 403 and "户籍地址" in denied.json()["detail"]  # type: ignore[attr-defined]
    bad = post(resource="res.population", subject="123", purpose="核验")
    assert bad.status_code == 400 and "subject" in bad.json()["errors"]  # type: ignore[attr-defined]
    unknown = post(resource="res.nothing", subject=zhangsan.id_number, purpose="核验")
    assert unknown.status_code == 404  # type: ignore[attr-defined]


def test_a_batch_reads_its_records_at_once_and_keeps_nothing_afterwards(
    reviewer: User, population: DataResource, zhangsan: User, lisi: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.exchange.models import RegistryRecord
    from tongban.exchange.services.query import QueryRequest, exchange_query_many

    RegistryRecord.objects.create(
        resource=population, subject_key=str(lisi.id_number), data={"name": "李四"}
    )
    asks = [
        QueryRequest(population, str(zhangsan.id_number), "核验", ["name"]),
        QueryRequest(population, str(lisi.id_number), "核验", ["name"]),
    ]
    with CaptureQueriesContext(connection) as queries:
        results = exchange_query_many(consumer=reviewer.department, requests=asks)  # type: ignore[arg-type]
    assert [r.record for r in results] == [{"name": "张*"}, {"name": "李*"}]
    registry_reads = [q for q in queries if "exchange_registryrecord" in q["sql"]]
    assert len(registry_reads) == 1
    # One audit record names both accesses.
    assert AuditRecord.objects.filter(action="exchange.access").count() == 1
    RegistryRecord.objects.filter(subject_key=str(lisi.id_number)).update(data={"name": "王五"})
    again = _query(reviewer, population, str(lisi.id_number), fields=["name"])
    assert again.record == {"name": "王*"}  # type: ignore[attr-defined]
