"""The citizen's "where can I do this nearby, open now": from the item guide and 数小二."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import ServiceItem
from tongban.servicemap.city import the_city
from tongban.servicemap.coverage import coverage
from tongban.servicemap.presenters import coverage_map_data
from tongban.servicemap.selectors import Nearby, active_points, nearest_points

MAX_SUGGESTIONS = 10


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


def origin_of(params: Any) -> tuple[tuple[float, float] | None, str, str]:
    """Where the person is: their device's location if given and in the city, else their
    district's seat; with what it was taken from, and what was wrong with what was given."""
    city = the_city()
    lng, lat = _float(params.get("lng")), _float(params.get("lat"))
    problem = ""
    if lng is not None and lat is not None:
        if city.contains(lng, lat):
            return (lng, lat), _("您的位置"), ""
        problem = _("您的位置不在%(city)s范围内，请选择所在区县") % {"city": city.name}
    district = city.district(str(params.get("district") or ""))
    if district is not None:
        return district.seat, _("%(d)s人民政府附近") % {"d": district.name}, problem
    return None, "", problem


def nearby_out(found: Nearby) -> dict[str, Any]:
    point = found.point
    hall = point.hall if point.hall_id else None
    return {
        "point": point,
        "kind": point.get_kind_display(),
        "name": point.shown_name,
        "address": point.shown_address,
        "hours": point.opening_hours.text(),
        "open_now": found.open_now,
        "opens_next": found.opens_next,
        "minutes": round(found.minutes),
        "km": round(found.metres / 1000, 1),
        "within_15": found.minutes <= 15,
        "ticket_url": reverse("hall:remote_ticket", args=[hall.code]) if hall else "",
        "book_url": reverse("hall:book", args=[hall.code]) if hall else "",
        "phone": point.phone,
    }


def nearby(request: HttpRequest) -> HttpResponse:
    city = the_city()
    code = (request.GET.get("item") or "").strip()[:40]
    item = (
        ServiceItem.objects.filter(basic_code=code, state=ServiceItem.State.PUBLISHED).first()
        if code
        else None
    )
    origin, origin_label, problem = origin_of(request.GET)
    results = (
        [
            nearby_out(n)
            for n in nearest_points(origin, item=item.basic_code, now=timezone.localtime())
        ]
        if origin is not None and item is not None
        else []
    )
    return render(
        request,
        "servicemap/nearby.html",
        {
            "item": item,
            "item_code": code,
            "unknown_item": bool(code) and item is None,
            "origin": origin,
            "origin_label": origin_label,
            "problem": problem,
            "districts": city.districts,
            "district": request.GET.get("district", ""),
            "results": results,
            "searched": origin is not None and item is not None,
            "city": city,
        },
    )


def _keeper(request: HttpRequest) -> None:
    if not request.user.has_perm("servicemap.manage_points"):
        raise PermissionDenied(_("仅系统管理员和大厅管理员可查看服务圈覆盖"))


@login_required
def coverage_page(request: HttpRequest) -> HttpResponse:
    """The keepers' map: who lives within 15 minutes of a service point (for any item or
    one item), per district, the gaps, and where the next points would reach the most."""
    _keeper(request)
    code = (request.GET.get("item") or "").strip()[:40]
    published = ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
    item = published.filter(basic_code=code).first() if code else None
    raw = request.GET.get("suggest", "3")
    suggest = int(raw) if raw.isdigit() and int(raw) <= MAX_SUGGESTIONS else 3
    points = [p for p in active_points() if item is None or p.handles(item.basic_code)]
    started = time.perf_counter()
    result = coverage([p.lng_lat for p in points], suggest=suggest)
    elapsed = time.perf_counter() - started
    return render(
        request,
        "servicemap/coverage.html",
        {
            "item": item,
            "item_code": code,
            "items": published.order_by("basic_code"),
            "result": result,
            "names": {d.code: d.name for d in result.grid.city.districts},
            "suggest": suggest,
            "point_count": len(points),
            "elapsed": elapsed,
            "map_data": coverage_map_data(result, points),
            "missing": [d.district.name for d in result.districts if not d.population],
        },
    )
