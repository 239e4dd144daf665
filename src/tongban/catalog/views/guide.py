"""One item's guide (办事指南): the page, its materials per situation, its QR code and PDF.

Anonymous visitors (most of them arrive by scanning a QR code) get output cached per published
version, which never changes; signed-in visitors get a fresh render with their own header.
"""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongban.catalog import selectors
from tongban.catalog.hours import item_hours
from tongban.catalog.models import ServiceItem
from tongban.core.cache import cache_key, cached
from tongban.core.downloads import pdf_response
from tongban.core.links import public_url
from tongban.core.pagecache import is_anonymous_visit
from tongban.core.pdf import render_pdf


def _item_or_404(code: str) -> ServiceItem:
    item = selectors.item_get_published(code)
    if item is None:
        raise Http404(_("事项不存在或未发布"))
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
    materials = selectors.materials_for_choices(item, choices)
    return {
        "item": item,
        "choices": choices,
        "choices_query": urlencode({f"s_{s}": o for s, o in choices.items()}),
        "situation_rows": [
            (s, [(o, choices.get(s.code) == o.code) for o in s.options.all()])
            for s in item.situations.all()
        ],
        "materials": materials,
        "platform_materials": [m for m in materials if m.source != m.Source.APPLICANT],
        "guide_url": guide_absolute_url(request, item.code),
        "hours": item_hours(item.code, item.hours),
        # The application form filled online is this material (forms' `material`).
        "form_material": str((item.form or {}).get("material", "")) if item.form else "",
    }


def guide_absolute_url(request: HttpRequest, code: str) -> str:
    return public_url(request, reverse("catalog:item_guide", args=[code]))


def _render_version(request: HttpRequest, code: str, template: str) -> HttpResponse:
    if not is_anonymous_visit(request):
        return render(request, template, _context(request, _item_or_404(code)))
    version = selectors.published_version(code)
    if version is None:
        raise Http404(_("事项不存在或未发布"))
    situation_params = sorted((k, v) for k, v in request.GET.items() if k.startswith("s_"))
    key = cache_key(
        template,
        version.pk,
        version.published_at,
        situation_params,
        request.get_host(),
        get_language(),
    )
    html = cached(
        key,
        lambda: render_to_string(template, _context(request, _item_or_404(code)), request),
    )
    return HttpResponse(html)


def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    return _render_version(request, code, "catalog/item_guide.html")


def item_materials(request: HttpRequest, code: str) -> HttpResponse:
    """The materials list alone, swapped in by htmx when a situation is chosen."""
    return _render_version(request, code, "catalog/_materials.html")


def item_qr(request: HttpRequest, code: str) -> HttpResponse:
    """一码明指南: a QR code that opens the item's guide page."""
    if selectors.published_version(code) is None:
        raise Http404(_("事项不存在或未发布"))
    url = guide_absolute_url(request, code)

    def draw() -> bytes:
        buffer = BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, title="办事指南")
        return buffer.getvalue()

    response = HttpResponse(cached(cache_key("qr", url), draw), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def item_guide_pdf(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_or_404(code)
    context = _context(request, item)
    buffer = BytesIO()
    segno.make(str(context["guide_url"]), error="m").save(buffer, kind="svg", scale=4, border=1)
    context["qr_svg"] = buffer.getvalue().decode()
    pdf = render_pdf("catalog/guide_pdf.html", context)
    response = pdf_response(pdf, f"guide-{item.code}.pdf", attachment=False)
    return response
