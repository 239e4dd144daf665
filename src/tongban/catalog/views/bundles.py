"""The bundle guide: what the bundle holds for the applicant's situations, which departments
work at once, serial days against the bundle's days, and visits before and after."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.accounts.requests import request_user_or_none
from tongban.catalog import selectors
from tongban.catalog.models import Bundle
from tongban.catalog.presenters import bundle_guide_page
from tongban.catalog.services.bundles import bundle_guide
from tongban.core.pagecache import public_page


@public_page(selectors.portal_revision)
def bundles(request: HttpRequest) -> HttpResponse:
    rows = [bundle_guide(b, {}) for b in Bundle.objects.filter(active=True)]
    return render(request, "catalog/bundles.html", {"guides": rows})


def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    bundle = Bundle.objects.filter(code=code, active=True).select_related("lead_department").first()
    if bundle is None:
        raise Http404("套餐不存在")
    choices = {k[2:]: str(v) for k, v in request.GET.items() if k.startswith("s_")}
    guide = bundle_guide(bundle, choices)
    page = bundle_guide_page(guide)
    user = request_user_or_none(request)
    page["enterprises"] = list(user.enterprises.all()) if user is not None else []
    return render(request, "catalog/bundle_guide.html", page)
