"""The administrators' catalog overview: figures computed from the catalog, and its findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tongban.catalog import selectors
from tongban.catalog.models import ItemType


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("catalog.view_overview"):
        raise PermissionDenied(_("仅系统管理员和大厅管理员可查看事项清单概况"))
    stats = selectors.catalog_stats()
    return render(
        request,
        "catalog/overview.html",
        {
            "stats": stats,
            "by_type": [(ItemType(code).label, n) for code, n in stats.by_type.items()],
            "findings": selectors.catalog_findings(),
        },
    )
