"""The built-in reader: a photo or scan of an ID card or business licence, read by rapidocr
(onnxruntime; the models ship in the wheel, so it works offline). Optional extra `[ocr]`."""

from __future__ import annotations

import io
import statistics
import threading
from typing import Any

from tongban.core.uploads import sniff_type
from tongban.forms.idreader.parsing import Box, lines_from_boxes, parse
from tongban.forms.idreader.reading import DocumentReading, UnreadableDocument

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600  # larger photos are scaled down: more pixels do not read better, only slower
MIN_MEAN_SCORE = 0.80
ENGINE_PARAMS: dict[str, object] = {"Det.unclip_ratio": 2.0}


class OcrUnavailable(Exception):
    """rapidocr is not installed (pip install 'tongban[ocr]')."""


_engine: Any = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()  # one inference at a time per process: 2 cores, no oversubscription


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
        opened = Image.open(io.BytesIO(data))
        img = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableDocument("图片已损坏，无法打开") from exc
    if max(img.size) > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE))
    import numpy as np

    return np.asarray(img)


def recognise(image: Any) -> list[Box]:
    engine = _get_engine()
    with _run_lock:
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
        boxes = recognise(load_image(payload))
        if not boxes:
            raise UnreadableDocument("图片中没有识别到文字，请对准证件重新拍摄或手工填写")
        lines = lines_from_boxes(boxes)
        reading = parse(lines, self.name)
        if statistics.mean(b.score for b in boxes) < MIN_MEAN_SCORE:
            reading.problems.append("图片不够清晰，请核对识别结果或重新拍摄")
        return reading
