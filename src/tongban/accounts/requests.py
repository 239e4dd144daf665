"""Who is asking: the one way a page, an API handler or a device endpoint gets its actor.

Pages carry the signed-in person on `request.user` (sessions); the API's authenticators
put theirs on `request.auth` (ninja: the session user or a device identity). These helpers
read either, typed, and refuse (`PermissionDenied`, "请先登录") when nobody is signed in.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tongban.accounts.models import DeviceIdentity, User


def _principal(request: HttpRequest) -> object:
    auth = getattr(request, "auth", None)
    return auth if auth is not None else getattr(request, "user", None)


def request_user(request: HttpRequest) -> User:
    """The signed-in person making this request."""
    who = _principal(request)
    if not isinstance(who, User) or not who.is_authenticated:
        raise PermissionDenied("请先登录")
    return who


def request_user_or_none(request: HttpRequest) -> User | None:
    """The signed-in person, or None for an anonymous visitor or a device."""
    who = _principal(request)
    return who if isinstance(who, User) and who.is_authenticated else None


def request_device(request: HttpRequest) -> DeviceIdentity | None:
    """The device (kiosk, board, locker) that authenticated this API request by its key."""
    who = getattr(request, "auth", None)
    return who if isinstance(who, DeviceIdentity) else None
