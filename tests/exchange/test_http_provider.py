"""The HTTP provider against a real local HTTP server that answers, is slow, is down, fails
or returns garbage: signed requests, timeouts, one retry, the circuit breaker, and a case that
carries on ("please upload instead") whatever the remote system does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from tests.factories import ServiceItemFactory, shared_resource
from tongban.accounts.models import Department, User
from tongban.cases.models import CaseMaterial
from tongban.cases.services.submission import case_save_draft
from tongban.exchange import signing
from tongban.exchange.models import DataResource
from tongban.exchange.providers import HttpProvider, providers
from tongban.exchange.services.query import exchange_query

SECRET = "test-shared-secret-0123456789"  # a test key for a local server, not a real secret


class Remote(ThreadingHTTPServer):
    mode = "ok"
    hits = 0
    last_verified: bool | None = None


class Handler(BaseHTTPRequestHandler):
    server: Remote

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 — http.server's naming
        self.server.hits += 1
        body = self.rfile.read(int(self.headers["Content-Length"]))
        signed = signing.parse(dict(self.headers.items()))
        try:
            signing.verify(signed, SECRET, "POST", self.path, body, time.time())
            self.server.last_verified = True
        except signing.SignatureError:
            self.server.last_verified = False
        mode = self.server.mode
        if mode == "slow":
            time.sleep(0.6)
        if mode == "error":
            self._send(500, b"{}")
        elif mode == "garbage":
            self._send(200, b"<html>maintenance</html>")
        elif mode == "bad_record":
            self._send(200, b'{"found": true, "record": [1, 2]}')
        elif mode == "none":
            self._send(200, b'{"found": false}')
        else:
            request = json.loads(body)
            record = {"name": "张三", "address": "陕西省西安市新城区示例路1号", "extra": "x"}
            answer = {"found": True, "record": record}
            assert request["fields"]
            self._send(200, json.dumps(answer, ensure_ascii=False).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def remote() -> Iterator[Remote]:
    server = Remote(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_breakers() -> Iterator[None]:
    http = providers.get("http")
    assert isinstance(http, HttpProvider)
    http.reset()
    with override_settings(EXCHANGE_HTTP_ATTEMPTS=2, EXCHANGE_BREAKER_FAILURES=3):
        yield
    http.reset()


def _remote_resource(police: Department, department: Department, url: str) -> DataResource:
    return shared_resource(
        "res.remote_population",
        provider=police,
        consumer=department,
        name="户籍信息（远程）",
        fields=(("name", "姓名", "name"), ("address", "户籍地址", "address")),
        provider_plugin="http",
        endpoint=url,
        key_id="gaj-1",
        secret=SECRET,
        timeout_ms=200,
    )


def _ask(reviewer: User, resource: DataResource, subject: str) -> Any:
    return exchange_query(
        actor=reviewer,
        consumer=reviewer.department,  # type: ignore[arg-type]
        resource=resource,
        subject_key=subject,
        purpose="核验",
    )


def _url(server: Remote) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/share/query"


def test_a_signed_request_comes_back_masked_and_restricted_to_granted_fields(
    remote: Remote, police: Department, department: Department, reviewer: User, zhangsan: User
) -> None:
    resource = _remote_resource(police, department, _url(remote))
    result = _ask(reviewer, resource, str(zhangsan.id_number))
    assert remote.last_verified is True
    assert result.result == "ok"
    assert result.record == {"name": "张*", "address": "陕西省西安市********"}  # no "extra"


@pytest.mark.parametrize(
    ("mode", "result", "hits"),
    [
        ("slow", "unavailable", 2),  # timed out, retried once
        ("error", "unavailable", 2),  # 5xx, retried once
        ("garbage", "invalid", 1),  # not retried: it would say the same again
        ("bad_record", "invalid", 1),
        ("none", "no_record", 1),
    ],
)
def test_faults_become_results_not_errors(
    remote: Remote,
    police: Department,
    department: Department,
    reviewer: User,
    zhangsan: User,
    mode: str,
    result: str,
    hits: int,
) -> None:
    remote.mode = mode
    resource = _remote_resource(police, department, _url(remote))
    answer = _ask(reviewer, resource, str(zhangsan.id_number))
    assert answer.result == result and answer.record == {}
    assert remote.hits == hits


def test_a_provider_that_is_down_opens_the_circuit(
    police: Department, department: Department, reviewer: User, zhangsan: User
) -> None:
    resource = _remote_resource(police, department, "http://127.0.0.1:9/share/query")
    first = _ask(reviewer, resource, str(zhangsan.id_number))
    assert first.result == "unavailable" and "无法连接" in first.detail
    for _ in range(3):
        last = _ask(reviewer, resource, str(zhangsan.id_number))
    assert "熔断" in last.detail  # after 3 failures, not called at all


def test_the_circuit_stops_calls_to_a_failing_system(
    remote: Remote, police: Department, department: Department, reviewer: User, zhangsan: User
) -> None:
    remote.mode = "error"
    resource = _remote_resource(police, department, _url(remote))
    for _ in range(3):
        _ask(reviewer, resource, str(zhangsan.id_number))
    hits = remote.hits
    answer = _ask(reviewer, resource, str(zhangsan.id_number))
    assert answer.result == "unavailable" and remote.hits == hits


def test_a_case_carries_on_when_the_remote_system_is_down(
    police: Department, department: Department, zhangsan: User
) -> None:
    resource = _remote_resource(police, department, "http://127.0.0.1:9/share/query")
    item = ServiceItemFactory(with_guide=False, department=department, audience="person")
    from tongban.catalog.models import Material

    Material.objects.create(
        item=item, name="户口簿", source="shared_resource", source_ref=resource.code
    )
    case = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="k")
    row = CaseMaterial.objects.get(case=case)
    assert row.status == CaseMaterial.Status.UNAVAILABLE
    assert row.resolution_note == "测试市公安局的系统暂时无法访问"
