"""Values every page template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    return {"portal_name": settings.PORTAL_NAME, "city_name": settings.CITY_NAME}
