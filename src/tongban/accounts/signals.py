"""Django's sign-in signals, forwarded to the audit service (no logic of their own)."""

from __future__ import annotations

from typing import Any

from tongban.accounts.services import auth_event_record


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    auth_event_record(action="auth.login", username=user.get_username(), user=user)


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        auth_event_record(action="auth.logout", username=user.get_username(), user=user)


def on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    auth_event_record(action="auth.login_failed", username=str(credentials.get("username", "")))
