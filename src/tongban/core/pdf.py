"""HTML → PDF with the embedded Noto Sans SC font, so documents render the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "noto-sans-sc-5.3.0"


def font_face_css() -> str:
    """@font-face rules pointing at the vendored font files (no system font is needed)."""
    rules = []
    for weight in (400, 700):
        for subset in ("latin", "chinese-simplified"):
            path = FONT_DIR / f"noto-sans-sc-{subset}-{weight}-normal.woff2"
            rules.append(
                "@font-face{font-family:'Noto Sans SC';font-style:normal;"
                f"font-weight:{weight};src:url('{path.as_uri()}') format('woff2');}}"
            )
    return "\n".join(rules)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_face_css": font_face_css()})
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
