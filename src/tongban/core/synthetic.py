"""Synthetic identifiers with valid checksums, for the demo city and tests. Never real people."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

from tongban.core.ids import organization_code_check


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """An 18-digit resident ID number: region + birth date + 3-digit sequence + check digit."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(kind: str, region: str, serial: int) -> str:
    """A unified social credit code. `kind` is the 2-character registration-authority and
    category code (e.g. '11' organ, '91' enterprise, '92' individual business)."""
    org_body = f"{serial % 100_000_000:08d}"
    org = org_body + organization_code_check(org_body)
    body = f"{kind}{region}{org}"
    return body + uscc.calc_check_digit(body + "0")


def make_pdf(label: str = "synthetic", *, pad_to: int = 0) -> bytes:
    """A small, valid one-page PDF (what a real parser accepts as a material), titled `label`;
    `pad_to` makes it at least that many bytes, for benchmarks that want a realistic size."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label, "/Subject": "x" * max(0, pad_to - 600)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
