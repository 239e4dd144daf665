"""Limits on what a client can make the platform do, and failed authentication counted rather
than written row by row.

- `RateLimit` throttles (django-ninja's throttling) cap requests per client and window:
  anonymous callers by address, devices by their key, signed-in people by account. The rates
  are `settings.RATE_LIMITS`; a client over its rate gets 429 with `Retry-After`.
- `FailureGate` counts failed authentications (bad signatures, unknown appointment codes) per
  client and window in the cache. The first failure of a window and the moment the client is
  stopped go into the audit chain; the failures between are counted, not written, so a flood
  of bad requests costs the database at most two rows per client and window.

The counters live in the default cache: per process with the embedded default, shared by every
app server when `TONGBAN_REDIS_URL` is set (`docs/operations.md`).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from tongban.core.audit import audit_log
from tongban.core.context import Actor
from tongban.core.errors import TooManyAttempts

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The calling client's address: REMOTE_ADDR, or the address the last of the deployment's
    own trusted proxies (`TONGBAN_TRUSTED_PROXIES`) saw, never one a client wrote itself."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return str(hops[-min(proxies, len(hops))])[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def parse_rate(rate: str) -> tuple[int, int] | None:
    """`"300/m"` → (300, 60); `"off"` or empty → None (no limit)."""
    if not rate or rate == "off":
        return None
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1].lower()]
    return int(count), seconds


class RateLimit(SimpleRateThrottle):
    """One scope of `settings.RATE_LIMITS` (`who`), counted per `ident(request)`; the rate is
    read at each request (tests and operators can change it without a restart)."""

    def __init__(self, who: str, ident: Callable[[HttpRequest], str | None]) -> None:
        self.who, self.ident = who, ident
        self.cache = cache
        self.num_requests, self.duration = 0, 0

    def allow_request(self, request: HttpRequest) -> bool:
        parsed = parse_rate(settings.RATE_LIMITS.get(self.who, ""))
        ident = self.ident(request)
        if parsed is None or ident is None:
            return True
        self.num_requests, self.duration = parsed
        self.key = f"rate:{self.who}:{ident}"
        self.history = self.cache.get(self.key, [])
        self.now = time.time()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return False
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
        return True

    def wait(self) -> float | None:
        duration = float(self.duration or 0)
        if not self.history:
            return duration
        return max(1.0, duration - (float(self.now) - float(self.history[-1])))


def _anonymous(request: HttpRequest) -> str | None:
    """Callers without a session or device key, by address."""
    return client_address(request) if getattr(request, "auth", None) is None else None


def _device(request: HttpRequest) -> str | None:
    """Kiosks, boards and other devices, by their key."""
    auth = getattr(request, "auth", None)
    return str(auth.key_id) if auth is not None and hasattr(auth, "key_id") else None


def _person(request: HttpRequest) -> str | None:
    """Signed-in people, by account."""
    auth = getattr(request, "auth", None)
    if auth is None or hasattr(auth, "key_id"):
        return None
    return str(getattr(auth, "pk", ""))


API_THROTTLES: list[BaseThrottle] = [
    RateLimit("anonymous", _anonymous),
    RateLimit("device", _device),
    RateLimit("person", _person),
]


@dataclass(frozen=True, slots=True)
class FailureGate:
    """Failed authentications of one kind, counted per client and window."""

    kind: str
    limit: int
    window: int

    def _key(self, client: str) -> tuple[str, int]:
        now = time.time()
        bucket = int(now // self.window)
        digest = hashlib.sha256(client.encode()).hexdigest()[:24]
        wait = math.ceil((bucket + 1) * self.window - now)
        return f"failures:{self.kind}:{digest}:{bucket}", max(1, wait)

    def check(self, client: str) -> None:
        """Refuse (429) a client that has used up this window's failures."""
        key, wait = self._key(client)
        if int(cache.get(key, 0)) >= self.limit:
            raise TooManyAttempts(wait)

    def fail(self, client: str, reason: str, **detail: Any) -> int:
        """Count one failure; audit the window's first and the one that stops the client."""
        key, wait = self._key(client)
        cache.add(key, 0, self.window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, self.window + 5)
            count = 1
        if count in (1, self.limit):
            action = f"{self.kind}.failed" if count == 1 else f"{self.kind}.throttled"
            changes = {
                "client": [None, client],
                "reason": [None, reason[:200]],
                "failures_in_window": [None, count],
                "window_seconds": [None, self.window],
                **{k: [None, str(v)[:80]] for k, v in detail.items()},
            }
            with transaction.atomic():
                audit_log(
                    action=action,
                    object_type="core.client",
                    object_id=client[:64],
                    changes=changes,
                    actor=Actor(id=f"client:{client[:64]}", label=f"客户端 {client[:64]}"),
                )
        if count == self.limit:
            logger.warning(
                "%s: client %s stopped after %d failures (%ss window)",
                self.kind,
                client,
                count,
                self.window,
            )
        return count
