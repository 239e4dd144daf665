"""Whole public pages cached for anonymous visitors, per revision of what they show and per
language: the portal's most visited pages (home, the guide list, the bundles, the halls,
数小二's start) cost a template render each, which a city's traffic should not pay for every
visitor. A visitor with a session (signed in, or with a message waiting) always gets a fresh
render with their own header, and a page whose render used the CSRF token is never stored (it
would hand one visitor's token to the next).

The key names the view, the full path, the host, the language and the view's revision (a
cheap query that changes whenever what the page shows changes), or a time bucket for a page
with live figures, so nothing needs to be invalidated across processes."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from tongban.core.cache import DEFAULT_TTL, cache_key

View = Callable[..., HttpResponse]


def is_anonymous_visit(request: HttpRequest) -> bool:
    """No session and no pending messages: the page is the same for every such visitor."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(
    revision: Callable[[], object] | None = None,
    *,
    seconds: int | None = None,
    when: Callable[[HttpRequest], bool] | None = None,
    ttl: int = DEFAULT_TTL,
) -> Callable[[View], View]:
    """Cache the view's page for anonymous visitors, keyed by `revision()` and/or a bucket of
    `seconds` (for live figures: at most that old); `when` narrows which requests qualify."""

    def decorate(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_anonymous_visit(request) or (when is not None and not when(request)):
                return view(request, *args, **kwargs)
            parts: list[object] = [
                name,
                request.get_full_path(),
                request.get_host(),
                get_language(),
            ]
            if revision is not None:
                parts.append(revision())
            if seconds:
                parts.append(int(time.time() // seconds))
            key = cache_key("page", *parts)
            cache = caches["local"]
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                cache.set(key, (response.content, response["Content-Type"]), ttl)
            return response

        return wrapper

    return decorate


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )
