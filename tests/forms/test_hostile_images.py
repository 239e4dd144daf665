"""Reading an image has a bounded cost: a picture that declares too many pixels is refused
from its header, a large photo is reduced while it is decoded, and when every reading slot is
taken the caller is told to come back (503 with Retry-After) instead of queueing forever."""

from __future__ import annotations

import struct
import threading
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import device_register
from tongban.forms.idreader import ocr
from tongban.forms.idreader.reading import UnreadableDocument


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 8))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def kiosk(db: None) -> Client:
    issued = device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机")
    return Client(HTTP_AUTHORIZATION=f"Device {issued.api_key}")


def _read(client: Client, data: bytes, name: str = "card.png") -> Any:
    return client.post("/api/forms/read", {"document": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("size", [(50000, 50000), (12000, 12000), (1, 60_000_000), (5000, 5000)])
def test_a_picture_declaring_too_many_pixels_is_refused_from_its_header(
    kiosk: Client, size: tuple[int, int]
) -> None:
    bomb = png_declaring(*size)
    assert len(bomb) < 100
    answer = _read(kiosk, bomb)
    assert answer.status_code == 400
    assert "像素过多" in answer.json()["errors"]["document"][0]


def test_a_large_photo_is_reduced_to_the_working_size_while_decoded() -> None:
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (6000, 4500), (200, 180, 160)).save(photo, "JPEG", quality=70)
    pixels = ocr.load_image(photo.getvalue())
    assert max(pixels.shape[:2]) <= ocr.MAX_SIDE


def test_a_truncated_picture_is_a_clear_refusal() -> None:
    with pytest.raises(UnreadableDocument):
        ocr.load_image(png_declaring(400, 300)[:40])


def test_when_every_reading_slot_is_taken_the_caller_is_told_to_come_back(
    kiosk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "READ_WAIT_SECONDS", 0.2)
    # One reading holds the engine; the kiosks' queue behind it is full.
    lane = ocr._admitted["kiosk"]
    taken = [lane.acquire(blocking=False) for _ in range(ocr.MAX_WAITING + 1)]
    try:
        assert all(taken)
        answer = _read(kiosk, png_declaring(400, 300))
    finally:
        for _ in taken:
            lane.release()
    assert answer.status_code == 503
    assert int(answer["Retry-After"]) >= 1
    assert "繁忙" in answer.json()["detail"]


def test_a_reading_that_waits_too_long_for_its_turn_is_told_to_come_back(
    kiosk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "READ_WAIT_SECONDS", 0.2)
    assert ocr._turns.acquire("online", 1)  # a hostile image is being read
    try:
        answer = _read(kiosk, png_declaring(400, 300))
    finally:
        ocr._turns.release()
    assert answer.status_code == 503 and "繁忙" in answer.json()["detail"]
    # And the place it took is given back.
    assert ocr._admitted["kiosk"].acquire(blocking=False)
    ocr._admitted["kiosk"].release()


def test_a_flood_from_the_portal_cannot_take_the_kiosks_places(
    kiosk: Client, zhangsan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "READ_WAIT_SECONDS", 0.2)
    online = ocr._admitted["online"]
    taken = [online.acquire(blocking=False) for _ in range(ocr.MAX_WAITING + 1)]
    try:
        person = Client()
        person.force_login(zhangsan)
        assert _read(person, png_declaring(400, 300)).status_code == 503
        # The kiosk still reads (a tiny blank picture: unreadable, but read, not turned away).
        assert _read(kiosk, png_declaring(400, 300)).status_code == 400
    finally:
        for _ in taken:
            online.release()


def test_the_busy_status_is_declared_only_where_readings_shed_load() -> None:
    from tongban.api import api

    paths = api.get_openapi_schema()["paths"]
    assert 503 in paths["/api/forms/read"]["post"]["responses"]
    assert 503 not in paths["/api/forms/read/chip"]["post"]["responses"]
    assert not threading.current_thread().daemon


def test_when_the_engine_comes_free_a_waiting_kiosk_goes_first() -> None:
    order: list[str] = []
    assert ocr._turns.acquire("online", 1)
    waiting = []
    for lane in ("online", "online", "kiosk"):

        def wait(lane: str = lane) -> None:
            if ocr._turns.acquire(lane, 10):
                order.append(lane)
                ocr._turns.release()

        thread = threading.Thread(target=wait)
        thread.start()
        waiting.append(thread)
    import time

    deadline = time.monotonic() + 10
    while ocr._turns._kiosks_waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)  # until the kiosk waits for the engine too
    time.sleep(0.05)
    ocr._turns.release()
    for thread in waiting:
        thread.join(timeout=10)
    assert order[0] == "kiosk" and sorted(order) == ["kiosk", "online", "online"]


def test_a_large_jpeg_is_accepted_where_a_png_that_size_is_not() -> None:
    import io

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (5000, 4000), (120, 130, 140)).save(photo, "JPEG", quality=60)
    assert max(ocr.load_image(photo.getvalue()).shape[:2]) <= ocr.MAX_SIDE
    with pytest.raises(UnreadableDocument, match="像素过多"):
        ocr.load_image(png_declaring(5000, 4000))
