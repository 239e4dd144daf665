"""The built-in reader: a photo or scan of an ID card or business licence, read by rapidocr
(onnxruntime; the models ship in the wheel, so it works offline). Optional extra `[ocr]`."""

from __future__ import annotations

import io
import statistics
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tongban.core.errors import ServiceBusy
from tongban.core.uploads import sniff_type
from tongban.forms.idreader.parsing import Box, lines_from_boxes, parse
from tongban.forms.idreader.reading import DocumentReading, UnreadableDocument

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600  # larger photos are scaled down: more pixels do not read better, only slower
# A 48-megapixel phone photo is the largest honest picture; anything larger is refused before
# a single pixel is decoded (a 68-byte PNG can declare 50000×50000). A JPEG is reduced while
# it is decoded (DCT scaling) and costs little at any size; a PNG is decoded whole, so it is
# held to what a scanner or a screenshot of an ID card gives (4000×4000).
MAX_PIXELS = 50_000_000
MAX_PNG_PIXELS = 16_000_000
# Readings run one at a time per process (2 cores, no oversubscription); a few may wait their
# turn, for at most READ_WAIT_SECONDS. Beyond that the caller is told to come back (503).
# Kiosks have a lane of their own: a flood of readings from the portal cannot take the places
# of the person standing at a kiosk.
MAX_WAITING = 2
LANES = ("kiosk", "online")
READ_WAIT_SECONDS = 8.0
MIN_MEAN_SCORE = 0.80
ENGINE_PARAMS: dict[str, object] = {"Det.unclip_ratio": 2.0}


class OcrUnavailable(Exception):
    """rapidocr is not installed (pip install 'tongban[ocr]')."""


_engine: Any = None
_engine_lock = threading.Lock()


class _Turns:
    """The engine, one reading at a time per process (2 cores, no oversubscription); when it
    comes free, a waiting kiosk reading goes before waiting portal readings."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._busy = False
        self._kiosks_waiting = 0

    def acquire(self, lane: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._free:
            self._kiosks_waiting += lane == "kiosk"
            try:
                while self._busy or (lane != "kiosk" and self._kiosks_waiting):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._free.wait(left)
                self._busy = True
                return True
            finally:
                self._kiosks_waiting -= lane == "kiosk"

    def release(self) -> None:
        with self._free:
            self._busy = False
            self._free.notify_all()


_turns = _Turns()
# Per lane: reading now, or waiting for the engine.
_admitted = {lane: threading.BoundedSemaphore(1 + MAX_WAITING) for lane in LANES}
_lane: ContextVar[str] = ContextVar("tongban_reading_lane", default="online")


@contextmanager
def reading_lane(lane: str) -> Iterator[None]:
    """Readings inside take `lane`'s places ("kiosk" or "online")."""
    token = _lane.set(lane if lane in LANES else "online")
    try:
        yield
    finally:
        _lane.reset(token)


def _get_engine() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:  # pragma: no cover — the extra is installed in tests
                raise OcrUnavailable("本机未安装证件识别组件（tongban[ocr]）") from exc
            _engine = RapidOCR(params={"Global.log_level": "error", **ENGINE_PARAMS})
        return _engine


def ocr_available() -> bool:
    try:
        import rapidocr  # noqa: F401
    except ImportError:  # pragma: no cover
        return False
    return True


def load_image(data: bytes) -> Any:
    """Decode an uploaded image as an RGB numpy array, upright (EXIF) and at most MAX_SIDE."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise UnreadableDocument("图片不得超过10MB")
    kind = sniff_type(data[:16])
    if kind == "application/pdf":
        raise UnreadableDocument("证件识别需要照片或扫描图片（JPG、PNG），请上传图片")
    if kind not in ("image/png", "image/jpeg"):
        raise UnreadableDocument("只接受JPG或PNG图片")
    try:
        with warnings.catch_warnings():  # the size is judged here, below Pillow's own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))  # reads the header only
        width, height = opened.size
    except Image.DecompressionBombError:  # declared beyond even Pillow's own limit
        width, height = MAX_PIXELS + 1, 1
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableDocument("图片已损坏，无法打开") from exc
    most = MAX_PNG_PIXELS if kind == "image/png" else MAX_PIXELS
    if width * height > most:
        raise UnreadableDocument(
            f"图片像素过多，请上传不超过{most // 1_000_000}百万像素的照片（JPG照片最大"
            f"{MAX_PIXELS // 1_000_000}百万像素）"
        )
    try:
        # Reduced while decoding where the format allows it (JPEG's DCT scaling), and before
        # anything else touches the pixels.
        opened.draft("RGB", (MAX_SIDE, MAX_SIDE))
        opened.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=2.0)
        img = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise UnreadableDocument("图片已损坏，无法打开") from exc
    import numpy as np

    return np.asarray(img)


@contextmanager
def reading_slot() -> Iterator[None]:
    """A turn to read: at once when the reader is free, after a short wait when a few are
    ahead, or ServiceBusy (503, Retry-After) when the queue is full or the wait too long."""
    lane = _lane.get()
    admitted = _admitted[lane]
    if not admitted.acquire(blocking=False):
        raise ServiceBusy(int(READ_WAIT_SECONDS), "证件识别繁忙，请稍后重试或手工填写")
    try:
        if not _turns.acquire(lane, READ_WAIT_SECONDS):
            raise ServiceBusy(int(READ_WAIT_SECONDS), "证件识别繁忙，请稍后重试或手工填写")
        try:
            yield
        finally:
            _turns.release()
    finally:
        admitted.release()


def recognise(image: Any) -> list[Box]:
    engine = _get_engine()
    result = engine(image)
    if result.boxes is None or result.txts is None:
        return []
    return [
        Box(text=str(t), score=float(s), points=[(float(x), float(y)) for x, y in box])
        for box, t, s in zip(result.boxes, result.txts, result.scores, strict=True)
    ]


class OcrReader:
    name = "ocr"

    def read(self, payload: object) -> DocumentReading:
        if not isinstance(payload, bytes):
            raise TypeError("the OCR reader reads image bytes")
        with reading_slot():  # decoding is work too: it waits its turn with the reading
            boxes = recognise(load_image(payload))
        if not boxes:
            raise UnreadableDocument("图片中没有识别到文字，请对准证件重新拍摄或手工填写")
        lines = lines_from_boxes(boxes)
        reading = parse(lines, self.name)
        if statistics.mean(b.score for b in boxes) < MIN_MEAN_SCORE:
            reading.problems.append("图片不够清晰，请核对识别结果或重新拍摄")
        return reading
