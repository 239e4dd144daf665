"""Values every page template needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tongban.core.permissions import rule_allows
from tongban.core.uploads import upload_hint

STAFF_ROLES = ("clerk", "reviewer", "hall_manager", "administrator")


def _halls_managed(user: Any) -> list[tuple[str, str]]:
    return list(user.halls_managed.values_list("code", "name"))


def _unread(user: Any) -> Any:
    """The unread count, counted only if the page shows it (a template calls a callable)."""

    def count() -> int:
        return int(user.notifications.filter(channel="inbox", read_at__isnull=True).count())

    return count


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    has_role = getattr(user, "has_role", None)
    signed_in = bool(has_role)
    return {
        "portal_name": settings.PORTAL_NAME,
        "city_name": settings.CITY_NAME,
        "upload_hint": SimpleLazyObject(upload_hint),  # in the page's language, when shown
        "workbench": bool(has_role and has_role(*STAFF_ROLES)),
        # The navigation's permission checks go straight to the rules (`perms.*` in a template
        # would first load the user's model permissions from the database on every page).
        "nav_exchange": signed_in and rule_allows("exchange.review_access", user),
        "nav_console": bool(has_role and has_role("clerk", "hall_manager")),
        "nav_scoreboard": bool(
            has_role and has_role("hall_manager", "data_steward", "administrator")
        ),
        # 差评核实整改: the staff who handle or review bad ratings.
        "nav_ratings": bool(
            has_role
            and has_role("clerk", "reviewer", "hall_manager", "data_steward", "administrator")
        ),
        # 现场核查: the inspectors and the reviewers who name them.
        "nav_field": bool(has_role and has_role("inspector", "reviewer")),
        # 帮办代办: the agents and the hall's managers.
        "nav_projects": bool(has_role and has_role("agent", "hall_manager", "administrator")),
        "unread_messages": _unread(user) if signed_in else 0,
        "nav_halls_managed": _halls_managed(user) if has_role and has_role("hall_manager") else [],
        "nav_overview": signed_in
        and (
            rule_allows("catalog.view_overview", user)
            or rule_allows("exchange.review_access", user)
        ),
    }
