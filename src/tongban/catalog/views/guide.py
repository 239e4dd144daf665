"""One item's guide (办事指南): the page, its materials per situation, its QR code and PDF."""

from __future__ import annotations

from io import BytesIO

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from tongban.catalog import selectors
from tongban.catalog.models import ServiceItem
from tongban.core.pdf import render_pdf


def _item_or_404(code: str) -> ServiceItem:
    item = selectors.item_get_published(code)
    if item is None:
        raise Http404("事项不存在或未发布")
    return item


def _choices(request: HttpRequest, item: ServiceItem) -> dict[str, str]:
    """The applicant's situation answers from the query string, defaulting to each first option."""
    choices = selectors.default_choices(item)
    for situation in item.situations.all():
        picked = request.GET.get(f"s_{situation.code}")
        if picked and any(o.code == picked for o in situation.options.all()):
            choices[situation.code] = picked
    return choices


def _context(request: HttpRequest, item: ServiceItem) -> dict[str, object]:
    choices = _choices(request, item)
    materials = selectors.materials_for(item, [f"{s}.{o}" for s, o in choices.items()])
    return {
        "item": item,
        "choices": choices,
        "situation_rows": [
            (s, [(o, choices.get(s.code) == o.code) for o in s.options.all()])
            for s in item.situations.all()
        ],
        "materials": materials,
        "platform_materials": [m for m in materials if m.source != m.Source.APPLICANT],
        "guide_url": guide_absolute_url(request, item.code),
    }


def guide_absolute_url(request: HttpRequest, code: str) -> str:
    path = reverse("catalog:item_guide", args=[code])
    if settings.PUBLIC_BASE_URL:
        return f"{settings.PUBLIC_BASE_URL}{path}"
    return request.build_absolute_uri(path)


def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    return render(request, "catalog/item_guide.html", _context(request, item))


def item_materials(request: HttpRequest, code: str) -> HttpResponse:
    """The materials list alone, swapped in by htmx when a situation is chosen."""
    item = _item_or_404(code)
    return render(request, "catalog/_materials.html", _context(request, item))


def item_qr(request: HttpRequest, code: str) -> HttpResponse:
    """一码明指南: a QR code that opens the item's guide page."""
    item = _item_or_404(code)
    buffer = BytesIO()
    segno.make(guide_absolute_url(request, item.code), error="m").save(
        buffer, kind="svg", scale=6, border=2, title=f"{item.name} 办事指南"
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def item_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    context = _context(request, item)
    buffer = BytesIO()
    segno.make(str(context["guide_url"]), error="m").save(buffer, kind="svg", scale=4, border=1)
    context["qr_svg"] = buffer.getvalue().decode()
    pdf = render_pdf("catalog/guide_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{item.code}.pdf"'
    return response
