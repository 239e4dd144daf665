"""Values every page template needs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

STAFF_ROLES = ("clerk", "reviewer", "hall_manager", "administrator")


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    has_role = getattr(user, "has_role", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "city_name": settings.CITY_NAME,
        "workbench": bool(has_role and has_role(*STAFF_ROLES)),
    }
