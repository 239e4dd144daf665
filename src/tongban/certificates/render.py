"""A certificate's face as PDF: the type's layout, its fields, the issuing authority, the red
seal drawn where a paper seal would be, and a QR code that opens the public verification page.
The PDF embeds its CJK font (core.pdf), then the seal signer signs it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse

from tongban.certificates.models import Certificate
from tongban.core.pdf import render_pdf

SEAL_SIZE = 120  # SVG user units; drawn at 40 mm


def verify_url(token: str) -> str:
    path = reverse("certificates:verify_token", args=[token])
    return f"{settings.PUBLIC_BASE_URL or settings.LOCAL_BASE_URL}{path}"


def seal_svg(holder: str, *, title: str = "电子证照专用章") -> str:
    """A round red seal: the holder's name along the upper arc, a star, the seal's purpose."""
    c = SEAL_SIZE / 2
    radius = c - 13
    chars = list(holder)
    span = min(250.0, 22.0 * len(chars))  # degrees the name covers, centred on the top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SEAL_SIZE} {SEAL_SIZE}">',
        f'<circle cx="{c}" cy="{c}" r="{c - 3}" fill="none" stroke="#d0021b" stroke-width="3"/>',
    ]
    for i, char in enumerate(chars):
        angle = -span / 2 + (span * (i + 0.5) / len(chars)) if chars else 0.0
        rad = math.radians(angle - 90)
        x, y = c + radius * math.cos(rad), c + radius * math.sin(rad)
        parts.append(
            f'<text x="0" y="0" font-size="13" fill="#d0021b" font-family="Noto Sans SC" '
            f'font-weight="700" text-anchor="middle" dominant-baseline="central" '
            f'transform="translate({x:.2f},{y:.2f}) rotate({angle:.2f})">{escape(char)}</text>'
        )
    star = []
    for k in range(10):
        r = 17 if k % 2 == 0 else 7
        a = math.radians(-90 + 36 * k)
        star.append(f"{c + r * math.cos(a):.2f},{c + 4 + r * math.sin(a):.2f}")
    parts.append(f'<polygon points="{" ".join(star)}" fill="#d0021b"/>')
    parts.append(
        f'<text x="{c}" y="{c + 36}" font-size="9" fill="#d0021b" font-family="Noto Sans SC" '
        f'text-anchor="middle">{escape(title)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def certificate_pdf(
    certificate: Certificate, *, rows: list[tuple[str, str]], extra: Mapping[str, Any]
) -> bytes:
    """The unsigned PDF of `certificate` (not yet saved: number, token and dates are set)."""
    url = verify_url(certificate.token)
    qr = segno.make(url, error="m").svg_inline(scale=3, border=1, dark="#111")
    return render_pdf(
        f"certificates/pdf_{certificate.type.template}.html",
        {
            "certificate": certificate,
            "kind": certificate.type,
            "rows": rows,
            "qr_svg": qr,
            "verify_url": url,
            "seal_svg": seal_svg(certificate.seal_holder),
            "city": settings.CITY_NAME,
            **extra,
        },
    )
