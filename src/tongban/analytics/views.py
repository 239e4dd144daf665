"""The analytics overview: the catalog's promises and what the cases show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.cases.bundles.figures import bundle_figures
from tongban.cases.figures import materials_figures
from tongban.catalog import selectors as catalog
from tongban.delivery.selectors import delivery_figures

AUDIENCE_LABELS = {"enterprise": "法人（企业）", "person": "个人", "both": "个人和法人"}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_role("administrator", "hall_manager", "data_steward"):  # type: ignore[union-attr]
        raise PermissionDenied("仅管理人员可查看统计概况")
    figures = materials_figures()
    return render(
        request,
        "analytics/overview.html",
        {
            "catalog": catalog.catalog_stats(),
            "city": figures.city,
            "audiences": [
                (AUDIENCE_LABELS.get(code, code), figure)
                for code, figure in sorted(figures.by_audience.items())
            ],
            "life_events": list(figures.by_life_event.values()),
            "items": list(figures.by_item.values())[:30],
            "bundles": bundle_figures(),
            "delivery": delivery_figures(),
        },
    )
