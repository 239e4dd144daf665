"""Request id and acting user for every request, so audit records say who and which request."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tongban.core.context import Actor, _actor, _request_id
from tongban.core.errors import Conflict, ValidationError
from tongban.core.pages import refused_page

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ActorMiddleware:
    """Runs after authentication: binds the signed-in user as the actor of this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = None
        if user is not None and user.is_authenticated:
            actor = Actor(id=f"user:{user.pk}", label=user.get_username())
        token = _actor.set(actor)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


# see decision 7
class SessionIdleRefreshMiddleware:
    """The 30-minute idle timeout without a session write on every request: the session (and
    its cookie) is renewed at most once a minute while the person is active."""

    REFRESH_EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_seen", 0)) >= self.REFRESH_EVERY_SECONDS:
                session["_seen"] = now
        return self.get_response(request)


class RefusalMiddleware:
    """A refusal (`core.errors`) that escapes a page view is a page with its reason and
    status (400, 409), never a server error. The API answers its own refusals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (Conflict, ValidationError)):
            return refused_page(request, exception)
        return None
