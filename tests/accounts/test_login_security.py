"""Sign-in hardening: lockout after 5 failures for 30 minutes, 30-minute idle sessions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tongban.accounts.models import User


def _login(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def test_it_signs_in_with_the_right_password(client: Client, zhangsan: User) -> None:
    assert _login(client, "zhangsan", TEST_PASSWORD) == 302
    assert client.get(reverse("accounts:me")).status_code == 200


def test_five_failed_logins_lock_the_account_even_with_the_right_password(
    client: Client, zhangsan: User
) -> None:
    for _ in range(5):
        assert _login(client, "zhangsan", "wrong-password-123") in (200, 429)
    assert _login(client, "zhangsan", TEST_PASSWORD) == 429
    # Another account from the same address is not locked out.
    User.objects.create_user("lisi", password=TEST_PASSWORD)
    assert _login(Client(), "lisi", TEST_PASSWORD) == 302


def test_the_lockout_lasts_thirty_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.5  # hours


def test_activity_renews_the_session_at_most_once_a_minute(client: Client, zhangsan: User) -> None:
    import time_machine
    from django.contrib.sessions.models import Session

    client.force_login(zhangsan)
    client.get(reverse("accounts:me"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get(reverse("accounts:me"))
    assert Session.objects.get(session_key=key).expire_date == first  # no write this time
    with time_machine.travel(dt.timedelta(minutes=20)):
        client.get(reverse("accounts:me"))
        renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > first + dt.timedelta(minutes=19)


def test_sessions_expire_after_thirty_idle_minutes(client: Client, zhangsan: User) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(zhangsan)
    session = client.session
    session.set_expiry(-1)  # as if 30 idle minutes had passed
    session.save()
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
