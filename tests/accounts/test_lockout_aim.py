"""Lockout cannot be aimed at someone: an attacker's address is locked out of the account, the
owner signing in from another address is not; across addresses the account slows down with
growing delays, a known device skips them, and the person is told of the lockout."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tongban.accounts.models import User
from tongban.accounts.signin import FREE_FAILURES, MOST_DELAY, delay_after
from tongban.core.models import AuditRecord
from tongban.notify.models import Notification

ATTACKER = "203.0.113.66"
OWNER_HOME = "198.51.100.7"


def _login(client: Client, username: str, password: str, address: str) -> int:
    answer = client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return answer.status_code


def test_an_attackers_address_cannot_lock_out_the_owner_from_elsewhere(zhangsan: User) -> None:
    owner = Client()
    assert _login(owner, "zhangsan", TEST_PASSWORD, OWNER_HOME) == 302  # a known device now
    owner.post(reverse("accounts:logout"))  # signing out keeps the known-device cookie
    attacker = Client()
    for _ in range(12):
        _login(attacker, "zhangsan", "wrong-password-123", ATTACKER)
    # The attacker's address is locked out, even with the right password…
    assert _login(attacker, "zhangsan", TEST_PASSWORD, ATTACKER) == 429
    # …the owner at home signs in at once.
    assert _login(owner, "zhangsan", TEST_PASSWORD, OWNER_HOME) == 302


def test_across_addresses_the_account_slows_down_and_then_lets_the_owner_in(
    zhangsan: User,
) -> None:
    for n in range(FREE_FAILURES + 3):
        _login(Client(), "zhangsan", "wrong-password-123", f"192.0.2.{n + 1}")
    stranger = Client()  # the owner on a new device and a new address
    answer = stranger.post(
        reverse("accounts:login"),
        {"username": "zhangsan", "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.200",
    )
    assert answer.status_code == 429 and "秒后重试" in answer.content.decode()
    wait = int(answer["Retry-After"])
    assert 1 <= wait <= delay_after(FREE_FAILURES + 3)
    with time_machine.travel(dt.timedelta(seconds=wait + 1)):
        assert _login(stranger, "zhangsan", TEST_PASSWORD, "192.0.2.200") == 302


def test_the_delays_grow_and_are_capped() -> None:
    delays = [delay_after(n) for n in range(40)]
    assert delays[:FREE_FAILURES] == [0] * FREE_FAILURES
    assert delays == sorted(delays) and max(delays) == MOST_DELAY


def test_the_person_is_told_of_a_lockout_once(zhangsan: User) -> None:
    attacker = Client()
    for _ in range(9):
        _login(attacker, "zhangsan", "wrong-password-123", ATTACKER)
    notices = Notification.objects.filter(recipient=zhangsan, subject__contains="账号安全")
    assert notices.exists()
    assert {n.channel for n in notices} == {"inbox", "sms"}
    assert ATTACKER in notices.first().body


def test_failed_sign_ins_are_counted_not_written_row_by_row(db: None) -> None:
    before = AuditRecord.objects.count()
    # The clock stands still: on a loaded machine 60 sign-ins could cross a counting window.
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        for n in range(60):
            _login(Client(), f"nobody{n}", "wrong-password-123", ATTACKER)
    assert AuditRecord.objects.count() - before == 1  # the window's first, with its count
    assert AuditRecord.objects.filter(action="auth.login.failed").exists()
