"""How pages refuse (`core.errors` decides what a refusal is): a step posted from a page goes
back to the page with the reason as a message; a refusal that escapes a view is a page of its
own with the reason and its status, never a bare error."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404
from django.utils.translation import gettext as _

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
        return refused_page(request, Http404(_("页面不存在")))
    return refused_page(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted from a page that has expired (or from elsewhere)."""
    page = {"status": 403, "lines": [_("页面已过期或来源不明，请返回上一页刷新后重试。")]}
    return render(request, "refused.html", page, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a page of the platform that needs nothing that may have failed (no session,
    no database, no context processors): the portal's name, the apology and the way back."""
    from django.conf import settings
    from django.template import loader

    body = loader.get_template("500.html").render({"portal_name": settings.PORTAL_NAME})
    return HttpResponse(body, status=500)
