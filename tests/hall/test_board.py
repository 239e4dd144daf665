"""The display board: device sign-in, the page, and the event stream with catch-up after a
reconnect; the hub that wakes streams when any process records an event."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.hall.conftest import HallSetup
from tests.hall.test_tickets import kiosk_ticket
from tongban.accounts.models import User
from tongban.accounts.services import device_revoke
from tongban.hall.live import EventHub
from tongban.hall.models import HallEvent
from tongban.hall.services import console as c


@pytest.fixture(autouse=True)
def _short_streams(settings: Any) -> None:
    settings.HALL_STREAM_MAX_SECONDS = 0.5
    settings.HALL_STREAM_KEEPALIVE_SECONDS = 0.1


def board_client(hs: HallSetup) -> Client:
    client = Client()
    response = client.post("/hall/device/", {"key": hs.board.api_key})
    assert response.status_code == 302 and response["Location"] == "/hall/board/"
    return client


def read(response: Any) -> str:
    chunks: Iterator[bytes] = response.streaming_content
    return b"".join(chunks).decode()


def three_calls(hs: HallSetup, clerk: User) -> list[int]:
    c.window_sign_in(user=clerk, window=hs.w2)
    for _ in range(3):
        ticket = kiosk_ticket(hs)
        c.ticket_call_next(user=clerk)
        c.ticket_start(user=clerk, ticket_id=ticket.pk)
        c.ticket_finish(user=clerk, ticket_id=ticket.pk)
    return list(
        HallEvent.objects.filter(kind=HallEvent.Kind.CALLED)
        .order_by("id")
        .values_list("id", flat=True)
    )


def test_a_wrong_key_is_refused_and_a_kiosk_key_opens_the_kiosk(hs: HallSetup) -> None:
    client = Client()
    wrong = client.post("/hall/device/", {"key": "nope.nope"})
    assert wrong.status_code == 401 and "无效" in wrong.content.decode()
    kiosk = client.post("/hall/device/", {"key": hs.kiosk.api_key})
    assert kiosk["Location"] == "/hall/kiosk/"
    assert client.get("/hall/board/")["Location"] == "/hall/device/"


def test_the_board_shows_recent_calls(hs: HallSetup, hall_clerk: User) -> None:
    three_calls(hs, hall_clerk)
    page = board_client(hs).get("/hall/board/").content.decode()
    assert page.index("A003") < page.index("A002") < page.index("A001")
    assert "请 A 0 0 3 号 到 2 号窗口办理" in page


def test_the_stream_replays_what_a_reconnecting_board_missed(
    hs: HallSetup, hall_clerk: User
) -> None:
    first, second, third = three_calls(hs, hall_clerk)
    board = board_client(hs)
    everything = read(board.get("/hall/board/events", {"last_id": 0}))
    assert everything.startswith("retry: 1000")
    for event_id, number in ((first, "A001"), (second, "A002"), (third, "A003")):
        assert f"id: {event_id}\nevent: call\n" in everything
        assert f'"number": "{number}"' in everything
    assert ": keep-alive" in everything
    # The browser sends Last-Event-ID on reconnect; only later calls come back.
    resumed = read(board.get("/hall/board/events", headers={"Last-Event-ID": str(first)}))
    assert "A001" not in resumed and "A002" in resumed and "A003" in resumed
    # A fresh connection without an id starts from now.
    fresh = read(board.get("/hall/board/events"))
    assert "event: call" not in fresh


def test_a_revoked_board_is_cut_off(hs: HallSetup, hall_clerk: User) -> None:
    board = board_client(hs)
    stream = board.get("/hall/board/events")
    device_revoke(device=hs.board.device)
    assert "event: revoked" in read(stream)
    assert board.get("/hall/board/events").status_code == 403
    assert board.get("/hall/board/")["Location"] == "/hall/device/"


def test_a_manager_previews_the_board_and_others_may_not(
    hs: HallSetup, manager: User, hall_clerk: User
) -> None:
    client = Client()
    client.force_login(manager)
    assert client.get("/hall/board/", {"hall": "civic"}).status_code == 200
    client.force_login(hall_clerk)
    assert client.get("/hall/board/", {"hall": "civic"}).status_code == 302
    assert client.get("/hall/board/events", {"hall": "civic"}).status_code == 403


def test_the_hub_wakes_waiting_streams_on_announce() -> None:
    hub = EventHub()
    hub._started = True  # no database poller in this unit test
    woke: list[tuple[int, float]] = []

    def wait() -> None:
        started = time.monotonic()
        woke.append((hub.wait_beyond(10, timeout=5), time.monotonic() - started))

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.05)
    hub.announce(11)
    thread.join()
    assert woke[0][0] == 11 and woke[0][1] < 1
    assert hub.wait_beyond(10, timeout=0) == 11  # already past: no wait


def test_with_redis_another_process_hub_wakes_at_once() -> None:
    """Two hubs stand for two app server processes sharing one Redis (fakeredis here)."""
    import fakeredis

    server = fakeredis.FakeServer()
    writer = EventHub(redis_factory=lambda: fakeredis.FakeRedis(server=server))
    reader = EventHub(redis_factory=lambda: fakeredis.FakeRedis(server=server))
    writer.polling = reader.polling = False
    reader._ensure_started()  # subscribes
    time.sleep(0.2)
    started = time.monotonic()
    writer.announce(41)
    assert reader.wait_beyond(0, timeout=3) == 41
    assert time.monotonic() - started < 1


def test_a_redis_outage_does_not_fail_the_write() -> None:
    class Down:
        def publish(self, *args: Any) -> None:
            raise ConnectionError("redis down")

    hub = EventHub(redis_factory=Down)
    hub._started = True
    hub.announce(7)  # logged, not raised: the boards fall back to the database poll
    assert hub.wait_beyond(0, timeout=0) == 7
