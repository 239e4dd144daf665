"""Sign-in defences that cannot be aimed at someone.

- **Lockout by username and address together** (django-axes, `AXES_LOCKOUT_PARAMETERS`): five
  wrong passwords from one address lock that address out of that account for 30 minutes. The
  owner signing in from anywhere else is not locked.
- **Growing delays per username, across addresses**: after five failures on an account from
  any mix of addresses, each further attempt on it must wait 1, 2, 4 … seconds (at most
  `MOST_DELAY`) after the last failure. A password sprayed from many addresses slows to a
  crawl; the owner waits seconds, not half an hour.
- **A known device skips the delay**: a browser the person signed in with before carries a
  signed cookie for that account (OWASP's device cookie), so an attacker's failures elsewhere
  never slow the owner down at home.
- **Failures are counted per address, not written row by row** (`core.throttle.FailureGate`):
  the window's first failure and the one that stops an address go into the audit chain.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from tongban.core.errors import TooManyAttempts
from tongban.core.throttle import FailureGate, client_address

logger = logging.getLogger(__name__)

FREE_FAILURES = 5
MOST_DELAY = 600
WINDOW = 30 * 60
KNOWN_DEVICE_COOKIE = "tongban_known"
KNOWN_DEVICE_DAYS = 180
_SALT = "tongban.accounts.known-device"
# An address failing this often in 5 minutes is stopped whatever the accounts (a hall's kiosks
# share an address, so the number is far above what people behind one address mistype).
ADDRESS_GATE = FailureGate("auth.login", limit=100, window=300)


def _account(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _key(username: str) -> str:
    return f"signin:{_account(username)}"


def delay_after(failures: int) -> int:
    """Seconds an account waits after its n-th failure: none for the first five, then
    doubling from one second up to MOST_DELAY."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), MOST_DELAY))


def signin_wait(username: str) -> int:
    """Seconds before this account may be tried again (0: now)."""
    failures, last = cache.get(_key(username), (0, 0.0))
    return max(0, int(last + delay_after(failures) - time.time() + 0.999))


def is_known_device(request: HttpRequest, username: str) -> bool:
    try:
        value = request.get_signed_cookie(
            KNOWN_DEVICE_COOKIE, salt=_SALT, max_age=KNOWN_DEVICE_DAYS * 86400
        )
    except (KeyError, signing.BadSignature):
        return False
    return bool(value) and _account(username) in str(value).split(",")


def signin_check(request: HttpRequest, username: str) -> None:
    """Refuse (TooManyAttempts, 429) an attempt this address or this account must wait for."""
    ADDRESS_GATE.check(client_address(request))
    if is_known_device(request, username):
        return
    wait = signin_wait(username)
    if wait:
        raise TooManyAttempts(wait, f"该账号登录失败次数较多，请在{wait}秒后重试")


def signin_failed(request: HttpRequest | None, username: str) -> None:
    failures, _last = cache.get(_key(username), (0, 0.0))
    cache.set(_key(username), (failures + 1, time.time()), WINDOW)
    client = client_address(request) if request is not None else ""
    logger.info("sign-in failed for an account from %s (%d in a row)", client, failures + 1)
    ADDRESS_GATE.fail(client, "用户名或密码错误", account=_account(username)[:12])


def signin_succeeded(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """Forget the account's failures and remember this browser as a known device for it."""
    cache.delete(_key(username))
    try:
        known = request.get_signed_cookie(KNOWN_DEVICE_COOKIE, salt=_SALT, default="") or ""
    except signing.BadSignature:
        known = ""
    accounts = [a for a in str(known).split(",") if a and a != _account(username)][-4:]
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        ",".join([*accounts, _account(username)]),
        salt=_SALT,
        max_age=KNOWN_DEVICE_DAYS * 86400,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
