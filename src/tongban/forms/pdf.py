"""The filled form as a PDF in the official layout: title, reference, a QR code to the case,
one bordered table per section, the signature line. Embedded CJK font (core.pdf), so it reads
the same in a viewer without Chinese fonts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import segno

from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.pdf import render_pdf
from tongban.forms.schema import is_visible
from tongban.forms.services import item_form
from tongban.forms.values import display_value


def _sections(
    item: ServiceItem, data: Mapping[str, Any], situations: Mapping[str, str]
) -> list[Any]:
    out = []
    for title, fields in item_form(item).sections:
        rows = []
        for f in fields:
            if f.type == "file" or not is_visible(f, data, situations):
                continue
            if f.type == "table":
                body = [
                    [display_value(c, r.get(c.key, "")) for c in f.columns]
                    for r in data.get(f.key) or []
                    if isinstance(r, Mapping)
                ]
                rows.append(
                    {
                        "label": f.label,
                        "table": True,
                        "head": [c.label for c in f.columns],
                        "body": body,
                    }
                )
            else:
                rows.append(
                    {
                        "label": f.label,
                        "table": False,
                        "value": display_value(f, data.get(f.key, "")),
                    }
                )
        if rows:
            out.append({"title": title, "rows": rows})
    return out


def form_pdf(
    item: ServiceItem,
    data: Mapping[str, Any],
    situations: Mapping[str, str],
    *,
    reference: str,
    link_url: str,
    link_label: str,
) -> bytes:
    """`reference` is the case number or draft reference printed on the form; the QR code opens
    `link_url` (the case for its applicant, or the item's guide)."""
    schema = item_form(item)
    choices = [
        (s.question, o.label)
        for s in item.situations.all()
        for o in s.options.all()
        if situations.get(s.code) == o.code
    ]
    return render_pdf(
        "forms/form_pdf.html",
        {
            "item": item,
            "title": schema.title or f"{item.name}申请表",
            "sections": _sections(item, data, situations),
            "situations": choices,
            "reference": reference,
            "qr_svg": segno.make(link_url, error="m").svg_inline(scale=3, border=1),
            "link_url": link_url,
            "link_label": link_label,
            "printed_at": clock.now(),
        },
    )
