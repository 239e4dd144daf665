"""Addresses people open on their own phones (QR codes): the public portal's, not whatever
address the kiosk or the staff network reached the server by."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def public_url(request: HttpRequest, path: str) -> str:
    if settings.PUBLIC_BASE_URL:
        return f"{settings.PUBLIC_BASE_URL}{path}"
    return request.build_absolute_uri(path)


def public_link(path: str) -> str:
    """The portal's address of `path` where no request is at hand (an SMS from a sweep): the
    public base URL when configured, else the path alone."""
    return f"{settings.PUBLIC_BASE_URL}{path}" if settings.PUBLIC_BASE_URL else path
