"""The citizen's "where can I do this nearby, open now": from the item guide and 数小二."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import ServiceItem
from tongban.servicemap.city import the_city
from tongban.servicemap.selectors import Nearby, nearest_points


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
