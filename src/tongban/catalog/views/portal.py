"""The public portal: browse the published catalog by department, audience and life event."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tongban.accounts.models import Department
from tongban.catalog import selectors
from tongban.catalog.models import Audience, LifeEvent
from tongban.catalog.presenters import browse_heading
from tongban.core.pagecache import public_page


@public_page(selectors.portal_revision)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/home.html",
        {
            "departments": selectors.department_list_with_counts(),
            "person_events": selectors.life_event_list(Audience.PERSON),
            "enterprise_events": selectors.life_event_list(Audience.ENTERPRISE),
        },
    )


@public_page(selectors.portal_revision)
def browse(request: HttpRequest) -> HttpResponse:
    department_code = request.GET.get("department") or None
    audience = request.GET.get("audience") or None
    event_code = request.GET.get("event") or None
    query = (request.GET.get("q") or "").strip()[:50] or None
    if audience not in (None, Audience.PERSON, Audience.ENTERPRISE):
        audience = None
    department = get_object_or_404(Department, code=department_code) if department_code else None
    event = get_object_or_404(LifeEvent, code=event_code) if event_code else None
    items = selectors.item_list(
        department=department_code, audience=audience, life_event=event_code, query=query
    )
    return render(
        request,
        "catalog/browse.html",
        {
            "page": Paginator(items, 30).get_page(request.GET.get("page")),
            "heading": browse_heading(department, event, audience, query),
            "departments": selectors.department_list_with_counts(),
            "current_department": department_code,
            "current_audience": audience,
            "current_event": event_code,
            "query": query or "",
        },
    )
