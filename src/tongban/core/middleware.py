"""Request id and acting user for every request, so audit records say who and which request."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from tongban.core.context import Actor, _actor, _request_id
from tongban.core.errors import Conflict, ServiceBusy, TooManyAttempts, ValidationError
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
        # Only a signed-in session is renewed. A cookie naming no stored session (made up, or
        # expired) loads empty and writes nothing: no row per request for whoever sends one.
        if session is not None and session.session_key and session.get(SESSION_KEY):
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
        if isinstance(exception, (Conflict, ValidationError, TooManyAttempts, ServiceBusy)):
            return refused_page(request, exception)
        return None


class NulRefusalMiddleware:
    """A NUL character (\\x00) is never part of what a person means, and PostgreSQL cannot
    store one: a request carrying it in its address, query or form fields is refused here
    (400 naming the field), before any view or query sees it. JSON bodies are checked by the
    API's parser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request)
        if field is None:
            return self.get_response(request)
        refusal = ValidationError({field: ["不能含有空字符（\\u0000）"]})
        if request.path.startswith("/api/"):
            body = {"detail": f"输入有误：{field}：不能含有空字符", "errors": refusal.message_dict}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return refused_page(request, refusal)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        fields = [request.GET]
        # A form-encoded body is read whole anyway (and kept); a multipart one streams to the
        # view, which checks its own fields. Too large a body is the view's 413 to answer.
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            with contextlib.suppress(RequestDataTooBig, TooManyFieldsSent):
                fields.append(request.POST)
        for values in fields:
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in v for v in items):
                    return key.replace("\x00", "") or "__all__"
        return None
