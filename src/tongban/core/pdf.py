"""HTML → PDF with the embedded Noto Sans SC font, so documents render the same everywhere."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "noto-sans-sc-5.3.0"


_lock = threading.Lock()


# see decision 25
def _decompressed(path: Path) -> Path:
    """The WOFF2 font as a plain TrueType file, made once per installation in the data folder.
    WeasyPrint would otherwise decompress the 1 MB CJK WOFF2 on every document (~2 s each)."""
    target = Path(settings.DATA_DIR) / "fonts" / f"{path.stem}-{path.stat().st_size}.ttf"
    if target.exists():
        return target
    from fontTools.ttLib import TTFont

    with _lock:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            font = TTFont(str(path))
            font.flavor = None
            partial = target.with_suffix(f".{os.getpid()}.part")
            font.save(str(partial))
            os.replace(partial, target)  # atomic: a concurrent process sees all or nothing
    return target


@functools.cache
def font_face_css() -> str:
    """@font-face rules pointing at the vendored font (no system font is needed)."""
    rules = []
    for weight in (400, 700):
        for subset in ("latin", "chinese-simplified"):
            path = _decompressed(FONT_DIR / f"noto-sans-sc-{subset}-{weight}-normal.woff2")
            rules.append(
                "@font-face{font-family:'Noto Sans SC';font-style:normal;"
                f"font-weight:{weight};src:url('{path.as_uri()}') format('truetype');}}"
            )
    return "\n".join(rules)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_face_css": font_face_css()})
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
