"""An item's application form as a PDF before applying: blank (to see what will be asked) and
a filled sample (样表) with synthetic values, kept per published version."""

from __future__ import annotations

import random
import zlib

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import default_choices, item_get_published
from tongban.core.cache import cache_key, cached
from tongban.core.downloads import pdf_response
from tongban.core.links import public_url
from tongban.forms.pdf import form_pdf
from tongban.forms.services import item_form
from tongban.forms.synthetic import fill_form


def _item_with_form(code: str) -> ServiceItem:
    item = item_get_published(code)
    if item is None or not item.form:
        raise Http404("该事项没有在线申请表")
    return item


def _pdf(request: HttpRequest, item: ServiceItem, *, sample: bool) -> bytes:
    choices = default_choices(item)
    guide = public_url(request, reverse("catalog:item_guide", args=[item.code]))

    def draw() -> bytes:
        data = {}
        if sample:
            # The same synthetic sample every time for this item (never a real person's data).
            rng = random.Random(zlib.crc32(item.code.encode()))  # noqa: S311
            data = fill_form(item_form(item), choices, {}, rng)
        return form_pdf(
            item,
            data,
            choices,
            reference="样表（示例数据，仅供参考）" if sample else "空白表",
            link_url=guide,
            link_label="扫码查看办事指南，在线填写无需打印",
        )

    stamp = item.published_at.isoformat() if item.published_at else ""
    return cached(cache_key("forms.pdf", item.pk, stamp, sample, guide), draw, ttl=3600)


def form_blank(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_with_form(code)
    return pdf_response(
        _pdf(request, item, sample=False), f"{item.name}-空白表.pdf", attachment=False
    )


def form_sample(request: HttpRequest, code: str) -> HttpResponse:
    item = _item_with_form(code)
    pdf = _pdf(request, item, sample=True)
    return pdf_response(pdf, f"{item.name}-样表.pdf", attachment=False)
