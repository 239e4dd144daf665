"""How pages refuse (`core.errors` decides what a refusal is): a step posted from a page goes
back to the page with the reason as a message; a refusal that escapes a view is a page of its
own with the reason and its status, never a bare error."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404

from tongban.core.errors import (
    Conflict,
    PermissionDenied,
    ServiceBusy,
    TooManyAttempts,
    ValidationError,
    refusal_of,
)

PAGE_REFUSALS = (ValidationError, PermissionDenied, Conflict, TooManyAttempts, ServiceBusy)


def refusal_messages(request: HttpRequest, exc: Exception) -> None:
    """Every line of a refusal as an error message on the next page."""
    refusal = refusal_of(exc)
    if refusal is None:
        raise exc
    for line in refusal.lines:
        messages.error(request, line)


def refusal_text(exc: Exception) -> str:
    """A refusal in one line, its reasons without the field names (a kiosk, a phone)."""
    refusal = refusal_of(exc)
    if refusal is None:
        raise exc
    if refusal.fields:
        return "；".join(m for problems in refusal.fields.values() for m in problems)
    return refusal.message


def run_refusable(
    request: HttpRequest, step: Callable[[], object], done: str, back: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run one service call from a posted form: its outcome, or every reason it was refused,
    shown on the page `back` returns."""
    try:
        step()
    except PAGE_REFUSALS as exc:
        refusal_messages(request, exc)
    else:
        if done:
            messages.success(request, done)
    return back()


def refused_page(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The page a refusal that escaped a view shows: its reason and status."""
    refusal = refusal_of(exc)
    if refusal is None:
        raise exc
    page = {"status": refusal.status, "lines": refusal.lines}
    return render(request, "refused.html", page, status=refusal.status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the reason, on a page of the portal."""
    return refused_page(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the reason, on a page of the portal (an unknown address names nothing of
    the URL patterns it was tried against)."""
    if isinstance(exception, Resolver404) or not str(exception):
        return refused_page(request, Http404("页面不存在"))
    return refused_page(request, exception)
