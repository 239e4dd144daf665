"""Who is acting and in which request: set by middleware, read by the audit chain."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The party behind a write: a person, a device or the system itself."""

    id: str
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(id="system", label=label)


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("actor", default=None)
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_actor() -> Actor:
    return _actor.get() or Actor.system()


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def acting_as(actor: Actor | None, request_id: str | None = None) -> Iterator[None]:
    actor_token = _actor.set(actor)
    request_token = _request_id.set(request_id) if request_id is not None else None
    try:
        yield
    finally:
        _actor.reset(actor_token)
        if request_token is not None:
            _request_id.reset(request_token)
