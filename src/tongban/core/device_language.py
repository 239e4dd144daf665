"""Hall devices (kiosks, boards, locker screens) speak the hall's language, whatever language
their browser was installed with. One person at a kiosk may switch it to English; the switch
lasts until the kiosk starts over for the next person (`device_language_reset`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

SESSION_KEY = "device_language"


def device_language_of(request: HttpRequest) -> str:
    chosen = request.session.get(SESSION_KEY)
    codes = {code for code, _name in settings.LANGUAGES}
    return chosen if isinstance(chosen, str) and chosen in codes else settings.LANGUAGE_CODE


def device_language_choose(request: HttpRequest, language: str) -> None:
    """One person's language at a shared kiosk (the hall's own language clears it)."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes and language != settings.LANGUAGE_CODE:
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


def device_language_reset(request: HttpRequest) -> None:
    """The kiosk starts over: the next person sees the hall's language."""
    request.session.pop(SESSION_KEY, None)


R = TypeVar("R", bound=HttpResponseBase)


def device_language(view: Callable[..., R]) -> Callable[..., R]:
    """Render `view` in the device's language instead of the browser's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
        language = device_language_of(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                render()
        response.headers["Content-Language"] = language
        return response

    return wrapped
