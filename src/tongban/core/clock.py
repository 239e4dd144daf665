"""The platform's clock. Services that record when things happen read it here, so that a
replay (the demo city's past year, its past hall day, the hall simulator) can run the real
services at a chosen moment without touching the system clock.

`install()` (at start-up) makes Django's `timezone.now` this clock too, so that everything
that stamps a time without asking us (auto_now fields, the audit chain, the cases' steps)
stamps the replayed moment during a replay. Outside a replay it is the system clock; the
moment lives in a context variable, so one thread's replay never moves another's clock."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_replay_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "replay_at", default=None
)


# Django's own, taken before `install` replaces it.
_system_now = timezone.now


def now() -> dt.datetime:
    return _replay_at.get() or _system_now()


def replay_moment() -> dt.datetime | None:
    """The moment being replayed, or None outside a replay."""
    return _replay_at.get()


def install() -> None:
    """Django's `timezone.now` reads the platform clock (idempotent)."""
    timezone.now = now


def localdate() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def replaying_at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (timezone-aware)."""
    if timezone.is_naive(moment):
        raise ValueError("replaying_at needs an aware datetime")
    token = _replay_at.set(moment)
    try:
        yield
    finally:
        _replay_at.reset(token)
