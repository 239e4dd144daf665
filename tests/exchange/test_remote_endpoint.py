"""The exchange's own endpoint for remote department systems: signed, fresh and single-use
requests only; a tampered, stale, unknown or replayed request is rejected and audited."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tongban.accounts.models import Department, User
from tongban.core.models import AuditRecord
from tongban.exchange import signing
from tongban.exchange.models import AccessLog, DataResource, ExchangePeer

PATH = "/api/exchange/remote/query"
SECRET = "peer-test-secret-abcdef0123456789"  # a test key, not a real secret


@pytest.fixture
def peer(department: Department) -> ExchangePeer:
    return ExchangePeer.objects.create(
        key_id="scjg-system", name="市场监管业务系统", department=department, secret=SECRET
    )


def _headers(body: bytes, **override: str) -> dict[str, str]:
    headers = signing.signed_headers("scjg-system", SECRET, "POST", PATH, body)
    headers.update(override)
    return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}


def _body(subject: str, **extra: Any) -> bytes:
    doc = {"resource": "res.population", "subject": subject, "purpose": "登记核验", **extra}
    return json.dumps(doc).encode()


def test_a_signed_request_is_answered_within_the_peers_grant(
    client: Any, peer: ExchangePeer, population: DataResource, zhangsan: User
) -> None:
    body = _body(str(zhangsan.id_number), fields=["name"], case_ref="SC-0001")
    response = client.post(PATH, body, content_type="application/json", **_headers(body))
    assert response.status_code == 200
    assert response.json() == {"found": True, "record": {"name": "张*"}}
    log = AccessLog.objects.get()
    assert log.actor is None and "市场监管业务系统" in log.actor_label
    assert log.consumer == peer.department and log.case_label == "SC-0001"


def test_a_replayed_request_is_rejected_and_audited(
    client: Any, peer: ExchangePeer, population: DataResource, zhangsan: User
) -> None:
    body = _body(str(zhangsan.id_number))
    headers = _headers(body)
    assert client.post(PATH, body, content_type="application/json", **headers).status_code == 200
    again = client.post(PATH, body, content_type="application/json", **headers)
    assert again.status_code == 401 and "重放" in again.json()["detail"]
    assert AccessLog.objects.count() == 1
    assert AuditRecord.objects.filter(action="exchange.remote.failed").count() == 1


def test_a_tampered_stale_or_unknown_request_is_rejected(
    client: Any, peer: ExchangePeer, population: DataResource, zhangsan: User, lisi: User
) -> None:
    body = _body(str(zhangsan.id_number))
    tampered = _body(str(lisi.id_number))
    cases = [
        (tampered, _headers(body), "签名不符"),
        (
            body,
            _headers(body, **{signing.HEADER_TIMESTAMP: str(int(time.time()) - 3600)}),
            "时间戳",
        ),
        (body, _headers(body, **{signing.HEADER_KEY: "nobody"}), "未知"),
        (body, {}, "缺少"),
    ]
    for sent, headers, reason in cases:
        response = client.post(PATH, sent, content_type="application/json", **headers)
        assert response.status_code == 401, reason
        assert reason in response.json()["detail"]
    assert not AccessLog.objects.exists()
    # Counted per client and window: the first rejection is audited, the others counted.
    assert AuditRecord.objects.filter(action="exchange.remote.failed").count() == 1


def test_a_malformed_body_names_the_field(
    client: Any, peer: ExchangePeer, population: DataResource
) -> None:
    body = json.dumps({"resource": "res.population", "fields": "name"}).encode()
    response = client.post(PATH, body, content_type="application/json", **_headers(body))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"subject", "purpose", "fields"}


def test_a_flood_of_unsigned_requests_writes_two_rows_and_is_stopped(
    client: Any, peer: ExchangePeer, population: DataResource
) -> None:
    from tongban.exchange.services.remote import REMOTE_GATE

    before = AuditRecord.objects.count()
    answers = [
        client.post(PATH, b"{}", content_type="application/json")
        for _ in range(REMOTE_GATE.limit + 30)
    ]
    statuses = [a.status_code for a in answers]
    assert statuses[: REMOTE_GATE.limit] == [401] * REMOTE_GATE.limit
    assert set(statuses[REMOTE_GATE.limit :]) == {429}
    stopped = answers[-1]
    assert int(stopped["Retry-After"]) >= 1
    assert "尝试次数过多" in stopped.json()["detail"]
    written = AuditRecord.objects.filter(pk__gt=0).count() - before
    assert written == 2
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"exchange.remote.failed", "exchange.remote.throttled"} <= actions
    throttled = AuditRecord.objects.get(action="exchange.remote.throttled")
    assert throttled.changes["failures_in_window"][1] == REMOTE_GATE.limit
