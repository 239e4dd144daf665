"""Process-local caching of rendered output whose key names an immutable version.

A published catalog version never changes, so output keyed by its primary key and publication
time is valid until evicted; the TTL only bounds staleness of data shown alongside it
(a department's phone number, say). Keys never need cross-process invalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches

T = TypeVar("T")

DEFAULT_TTL = 300


def cache_key(*parts: object) -> str:
    raw = "|".join(str(p) for p in parts)
    return "tb:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def cached(key: str, produce: Callable[[], T], ttl: int = DEFAULT_TTL) -> T:
    cache = caches["local"]
    value: T | None = cache.get(key)
    if value is None:
        value = produce()
        cache.set(key, value, ttl)
    return value


def cache_forget(key: str) -> None:
    caches["local"].delete(key)


def cache_clear() -> None:
    caches["local"].clear()
