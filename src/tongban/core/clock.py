"""The platform's clock. Services that record when things happen read it here, so that a
replay (the demo city's past year, its past hall day, the hall simulator) can run the real
services at a chosen moment without touching the system clock.

While a replay runs, Django's `timezone.now` is this clock too, so that everything that
stamps a time without asking us (auto_now fields, the audit chain, the cases' steps) stamps
the replayed moment. The moment lives in a context variable, so one thread's replay never
moves another's clock; outside every replay `timezone.now` is Django's own again (a model
default that names it, `date_joined`, stays the function its migrations name)."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_replay_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "replay_at", default=None
)


# Django's own, restored when the last replay ends.
_system_now = timezone.now


def now() -> dt.datetime:
    return _replay_at.get() or _system_now()


def replay_moment() -> dt.datetime | None:
    """The moment being replayed, or None outside a replay."""
    return _replay_at.get()


_replays = 0
_replays_lock = threading.Lock()


def localdate() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def replaying_at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (timezone-aware)."""
    if timezone.is_naive(moment):
        raise ValueError("replaying_at needs an aware datetime")
    global _replays
    token = _replay_at.set(moment)
    with _replays_lock:
        _replays += 1
        timezone.now = now
    try:
        yield
    finally:
        _replay_at.reset(token)
        with _replays_lock:
            _replays -= 1
            if not _replays:
                timezone.now = _system_now
