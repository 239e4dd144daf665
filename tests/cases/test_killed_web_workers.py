"""Killing web workers loses nothing: gunicorn's workers are sent SIGKILL 100 times while
clients create and submit applications with idempotency keys, retrying the same key whenever
an answer does not come. Afterwards every acknowledged submission is there, no key made two
cases, and every case's audit trail and timeline are complete. Real processes: gunicorn on
the pass's database (a SQLite file, or a fresh PostgreSQL database in the PostgreSQL pass)."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection

from tests.processes import tongban as _tongban

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KILLS = 100
CLIENTS = 6
PASSWORD = "a-long-enough-passphrase-9"  # noqa: S105 — a synthetic test login

SETUP = """
import json
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tongban.accounts.models import Role
department = DepartmentFactory()
item = ServiceItemFactory(with_guide=True, department=department, audience="person")
people = [UserFactory(username=f"killtest{n}", roles=[Role.APPLICANT]) for n in range(CLIENTS)]
for person in people:
    person.set_password(PASSWORD)
    person.save()
materials = {m.name: m.pk for m in item.materials.all()}
print("SETUP=" + json.dumps({"item": item.code, "materials": materials}))
"""

REPORT = """
import json
from collections import Counter
from tongban.cases.models import Case
from tongban.core.models import AuditRecord
cases = list(Case.objects.filter(created_by__username__startswith="killtest"))
keys = Counter((c.created_by_id, c.idempotency_key) for c in cases)
audits = Counter(
    (r.object_id, r.action)
    for r in AuditRecord.objects.filter(object_type="cases.case")
)
events = Counter((e.case_id, e.action) for c in cases for e in c.events.all())
print("REPORT=" + json.dumps({
    "cases": {c.idempotency_key + "@" + str(c.created_by_id): {
        "id": c.pk, "state": c.state,
        "submit_audits": audits[(str(c.pk), "case.submit")],
        "draft_audits": audits[(str(c.pk), "case.draft")],
        "submit_events": events[(c.pk, "submit")],
    } for c in cases},
    "duplicates": [list(k) for k, n in keys.items() if n > 1],
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a server on a database of its own, like this pass's."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        TONGBAN_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
        TONGBAN_LOG_LEVEL="ERROR",
        TONGBAN_RATE_ANONYMOUS="off",
        TONGBAN_RATE_PERSON="off",
    )
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    settings = connection.settings_dict
    name = f"tongban_kill_{os.getpid()}"
    server = dict(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname="postgres",
    )
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}/{name}"
    )
    try:
        yield env
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _workers(master: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


class Applicant:
    """One client: signs in, then creates and submits applications, retrying each request
    with the same idempotency key until it is answered."""

    def __init__(self, base: str, username: str, setup: dict[str, Any]) -> None:
        self.base, self.username, self.setup = base, username, setup
        self.client = httpx.Client(base_url=base, timeout=30)
        self.acknowledged: list[str] = []
        self.retries = 0

    def _retrying(self, send: Any) -> httpx.Response:
        for _ in range(200):
            try:
                answer = send()
            except httpx.TransportError:
                self.retries += 1
                time.sleep(0.05)
                continue
            if answer.status_code >= 500:
                self.retries += 1
                time.sleep(0.05)
                continue
            return answer
        raise AssertionError("no answer after 200 tries")

    def sign_in(self) -> None:
        self.client.get("/accounts/login/")
        token = self.client.cookies["csrftoken"]
        answer = self._retrying(
            lambda: self.client.post(
                "/accounts/login/",
                data={
                    "username": self.username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token,
                },
                headers={"Referer": f"{self.base}/accounts/login/"},
            )
        )
        assert answer.status_code == 302, answer.text[:300]
        self.client.headers["X-CSRFToken"] = self.client.cookies["csrftoken"]

    def apply(self, n: int) -> None:
        key = f"{self.username}-{n}"
        created = self._retrying(
            lambda: self.client.post(
                "/api/cases", json={"item_code": self.setup["item"], "idempotency_key": key}
            )
        )
        assert created.status_code == 200, created.text[:300]
        case_id = created.json()["id"]
        materials = self.setup["materials"]
        submitted = self._retrying(
            lambda: self.client.post(
                f"/api/cases/{case_id}/submit",
                data={"situations": json.dumps({"premises": "rent"})},
                files={
                    f"material_{materials['申请书']}": ("申请书.pdf", PDF, "application/pdf"),
                    f"material_{materials['房屋租赁合同']}": ("合同.pdf", PDF, "application/pdf"),
                },
            )
        )
        assert submitted.status_code == 200, submitted.text[:300]
        assert submitted.json()["state"] == "submitted"
        self.acknowledged.append(f"{key}@")

    def run(self, stop: threading.Event, errors: list[BaseException]) -> None:
        try:
            n = 0
            while not stop.is_set():
                self.apply(n)
                n += 1
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)


def test_a_hundred_killed_web_workers_lose_no_acknowledged_submission(
    database_env: dict[str, str],
) -> None:
    global PDF
    from tongban.core.synthetic import make_pdf

    PDF = make_pdf("kill test")
    env = database_env
    _tongban(env, "migrate", "-v0", "--no-input")
    script = SETUP.replace("CLIENTS", str(CLIENTS)).replace("PASSWORD", repr(PASSWORD))
    out = _tongban(env, "shell", "-c", script)
    setup = json.loads(out.split("SETUP=", 1)[1].strip())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--preload",
            "--graceful-timeout",
            "1",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        applicants = [Applicant(base, f"killtest{n}", setup) for n in range(CLIENTS)]
        for applicant in applicants:
            applicant.sign_in()
        stop, errors = threading.Event(), []
        threads = [
            threading.Thread(target=a.run, args=(stop, errors), daemon=True) for a in applicants
        ]
        for thread in threads:
            thread.start()
        kills = 0
        deadline = time.monotonic() + 240
        while kills < KILLS and time.monotonic() < deadline and not errors:
            time.sleep(random.uniform(0.05, 0.25))  # noqa: S311 — timing, not secrecy
            workers = _workers(server.pid)
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)  # noqa: S311
                kills += 1
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not errors, errors[:3]
    assert kills == KILLS
    acknowledged = {key for a in applicants for key in a.acknowledged}
    retries = sum(a.retries for a in applicants)
    print(
        f"{kills} workers killed; {len(acknowledged)} submissions acknowledged; {retries} retries"
    )
    assert len(acknowledged) > 20 and retries > 0

    report = json.loads(_tongban(env, "shell", "-c", REPORT).split("REPORT=", 1)[1].strip())
    assert report["duplicates"] == []
    by_key = {k.split("@", 1)[0] + "@": v for k, v in report["cases"].items()}
    lost = [key for key in acknowledged if by_key.get(key, {}).get("state") != "submitted"]
    assert lost == []
    incomplete = {
        key: case
        for key, case in by_key.items()
        if case["state"] == "submitted"
        and (case["submit_audits"], case["submit_events"], case["draft_audits"]) != (1, 1, 1)
    }
    assert incomplete == {}
    # Every record the killed workers committed is sealed into the signed tree, and holds.
    _tongban(env, "audit", "seal")
    verified = _tongban(env, "audit", "verify")
    assert "audit log intact" in verified and "尚未封存 0 条" in verified, verified


PDF = b""
