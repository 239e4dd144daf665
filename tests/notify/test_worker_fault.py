"""A worker killed (SIGKILL) in the middle of a notification job: after a restart the job runs
again and the SMS is delivered exactly once. Real processes on a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import tongban as _tongban

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from tongban.accounts.services import user_create
from tongban.notify.services import notify
user = user_create(username="faulty", password="a-long-enough-passphrase", real_name="测试",
                   phone="13800009999")
_inbox, n = notify(recipients=[user], subject="申请已受理", body="", channel_names=["sms"])
print("ID=%d" % n.pk)
"""
STATUS = """
from tongban.notify.models import Notification
n = Notification.objects.get(channel="sms")
print("STATUS=%s ATTEMPTS=%d" % (n.status, n.attempts))
"""


def _env(data_dir: Path, slow: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        TONGBAN_DATA_DIR=str(data_dir),
        TONGBAN_SMS_GATEWAY="tests.notify.slow_gateway.SlowAckGateway",
        TONGBAN_NOTIFY_CLAIM_TIMEOUT="1",
        SLOW_ACK_SECONDS=slow,
        PYTHONPATH=str(ROOT),
    )
    return env


def _sms_lines(data_dir: Path) -> list[dict[str, str]]:
    log = data_dir / "sms.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_and_sends_once(tmp_path: Path) -> None:
    env = _env(tmp_path, slow="60")
    _tongban(env, "migrate", "-v0", "--no-input")
    _tongban(env, "shell", "-c", SETUP)

    worker = subprocess.Popen(
        [sys.executable, "-m", "tongban", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _sms_lines(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _sms_lines(tmp_path), "the worker never reached the gateway"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    # Sent, but the killed worker never recorded it.
    assert "STATUS=sending" in _tongban(env, "shell", "-c", STATUS)

    time.sleep(1.2)  # past the claim timeout
    fast = _env(tmp_path, slow="0")
    assert "重新排队通知 1 条" in _tongban(fast, "sweep")
    _tongban(fast, "db_worker", "--batch", "--no-startup-delay")

    assert "STATUS=sent ATTEMPTS=2" in _tongban(fast, "shell", "-c", STATUS)
    assert len(_sms_lines(tmp_path)) == 1


SETUP_MANY = """
from tongban.accounts.services import user_create
from tongban.notify.services import notify
user = user_create(username="many", password="a-long-enough-passphrase", real_name="测试",
                   phone="13800008888")
for n in range(12):
    notify(recipients=[user], subject="第%d条通知" % n, body="", channel_names=["sms"])
"""
SENT = """
from tongban.notify.models import Notification
sms = Notification.objects.filter(channel="sms")
print("SENT=%d OF=%d" % (sms.filter(status="sent").count(), sms.count()))
"""
LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE django_migrations SET app = app WHERE id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def _locked_for(data_dir: Path, seconds: float) -> subprocess.Popen[str]:
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(data_dir / "tongban.sqlite3"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    return locker


@pytest.mark.slow
def test_the_worker_waits_out_a_locked_database_and_delivers_every_job(tmp_path: Path) -> None:
    env = {**_env(tmp_path, slow="0"), "TONGBAN_SQLITE_BUSY_MS": "100"}
    _tongban(env, "migrate", "-v0", "--no-input")
    _tongban(env, "shell", "-c", SETUP_MANY)

    # The plain django-tasks worker dies on the first "database is locked"...
    locker = _locked_for(tmp_path, 3)
    plain = subprocess.run(
        [sys.executable, "-m", "tongban", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    locker.wait(timeout=30)
    assert plain.returncode != 0 and "database is locked" in plain.stderr

    # ...ours waits it out and delivers every job once the database is back.
    locker = _locked_for(tmp_path, 4)
    worker = subprocess.Popen(
        [sys.executable, "-m", "tongban", "worker", "--interval", "0.1", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        locker.wait(timeout=30)
        deadline = time.monotonic() + 90
        while len(_sms_lines(tmp_path)) < 12 and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker died"
            time.sleep(0.2)
        assert worker.poll() is None
    finally:
        worker.terminate()
        _out, err = worker.communicate(timeout=30)
    assert "数据库暂时不可用" in err
    assert "SENT=12 OF=12" in _tongban(env, "shell", "-c", SENT)
    assert len(_sms_lines(tmp_path)) == 12
