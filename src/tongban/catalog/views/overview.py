"""The administrators' catalog overview: figures computed from the catalog, and its findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.catalog import selectors


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("catalog.view_overview"):
        raise PermissionDenied("仅系统管理员和大厅管理员可查看事项清单概况")
    return render(
        request,
        "catalog/overview.html",
        {"stats": selectors.catalog_stats(), "findings": selectors.catalog_findings()},
    )
