"""A display board's server-sent events: every call and recall in the hall, in order, from
the one after `last`; it ends after `TONGBAN_HALL_STREAM_MAX_SECONDS` (the browser
reconnects) and stops at once when the board's device key is revoked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings

from tongban.accounts.models import DeviceIdentity
from tongban.hall import presenters, selectors
from tongban.hall.live import hub
from tongban.hall.models import Hall


def _sse(event_id: int | None, kind: str, data: dict[str, Any]) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    body = json.dumps(data, ensure_ascii=False, default=str)
    return f"{head}event: {kind}\ndata: {body}\n\n"


def board_stream(hall: Hall, *, last: int, device_id: int | None = None) -> Iterator[str]:
    max_seconds = settings.HALL_STREAM_MAX_SECONDS
    yield "retry: 1000\n\n"
    known = last
    ends = time.monotonic() + max_seconds
    while time.monotonic() < ends:
        for event in selectors.events_after(hall, last):
            last = event.pk
            yield _sse(event.pk, "call", presenters.call_out(event))
        known = max(known, last)
        newest = hub.wait_beyond(known, timeout=settings.HALL_STREAM_KEEPALIVE_SECONDS)
        if newest > known:
            known = newest
            continue
        if (
            device_id
            and not DeviceIdentity.objects.filter(pk=device_id, revoked_at__isnull=True).exists()
        ):
            yield _sse(None, "revoked", {"detail": "设备密钥已吊销"})
            return
        yield ": keep-alive\n\n"
