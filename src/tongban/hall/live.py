"""Live hall events across processes: one hub per process wakes the display-board streams it
serves as soon as any process records a hall event.

The database is the source of truth (HallEvent rows, ordered by id), so a stream only needs to
know *that* something new exists, then reads `id > last` for its hall. How the hub learns it:

- a write in this process announces itself after commit (no delay);
- a write in another process is seen by one cheap poll of `max(id)` every POLL_SECONDS per
  process (not per board), which works on SQLite and PostgreSQL with nothing else installed;
- with `TONGBAN_REDIS_URL` set, writers also publish the id on a Redis channel and every
  hub subscribes, so other processes wake at once; the slower poll stays as a safety net.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Max

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "tongban:hall-events"


def _latest_event_id() -> int:
    from tongban.hall.models import HallEvent

    return int(HallEvent.objects.aggregate(m=Max("id"))["m"] or 0)


class EventHub:
    def __init__(self, redis_factory: Callable[[], Any] | None = None) -> None:
        self._cond = threading.Condition()
        self._latest = 0
        self._started = False
        self._redis: Any = None
        self._redis_factory = redis_factory
        # Tests turn the database poll off: each test's data lives in its own transaction,
        # which a poller on another connection cannot see anyway.
        self.polling = True

    # --- writers ---------------------------------------------------------------------------

    def announce(self, event_id: int) -> None:
        """Called after the commit that recorded `event_id`."""
        self._advance(event_id)
        client = self._redis_client()
        if client is not None:
            try:
                client.publish(REDIS_CHANNEL, str(event_id))
            except Exception:  # a Redis outage only slows boards down to the poll
                logger.warning("hall events: Redis publish failed", exc_info=True)

    # --- readers ---------------------------------------------------------------------------

    def wait_beyond(self, seen: int, timeout: float) -> int:
        """Block until an event newer than `seen` exists anywhere, or `timeout` passes;
        returns the newest id known."""
        self._ensure_started()
        with self._cond:
            self._cond.wait_for(lambda: self._latest > seen, timeout=timeout)
            return self._latest

    # --- internals -------------------------------------------------------------------------

    def _advance(self, event_id: int) -> None:
        with self._cond:
            if event_id > self._latest:
                self._latest = event_id
                self._cond.notify_all()

    def _redis_client(self) -> Any:
        if self._redis is None:
            if self._redis_factory is not None:
                self._redis = self._redis_factory()
            elif settings.TONGBAN_REDIS_URL:
                import redis  # the optional extra [redis]

                self._redis = redis.Redis.from_url(settings.TONGBAN_REDIS_URL)
        return self._redis

    def _ensure_started(self) -> None:
        with self._cond:
            if self._started:
                return
            self._started = True
        if self.polling:
            threading.Thread(target=self._poll_loop, name="hall-events-poll", daemon=True).start()
        if self._redis_client() is not None:
            threading.Thread(target=self._redis_loop, name="hall-events-redis", daemon=True).start()

    def _poll_loop(self) -> None:
        interval = settings.HALL_EVENTS_POLL_SECONDS
        if self._redis_client() is not None:
            interval = max(interval, 5.0)
        while True:
            try:
                self._advance(_latest_event_id())
            except Exception:
                logger.warning("hall events: poll failed", exc_info=True)
                close_old_connections()
            finally:
                if connection.in_atomic_block is False:
                    connection.close_if_unusable_or_obsolete()
            time.sleep(interval)

    def _redis_loop(self) -> None:
        while True:
            try:
                pubsub = self._redis_client().pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(REDIS_CHANNEL)
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self._advance(int(message["data"]))
            except Exception:
                logger.warning("hall events: Redis subscription lost; retrying", exc_info=True)
                time.sleep(1)


hub = EventHub()
