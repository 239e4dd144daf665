"""Django's sign-in signals, forwarded to the audit service (no logic of their own)."""

from __future__ import annotations

from typing import Any

from tongban.accounts.services import auth_event_record
from tongban.accounts.signin import signin_failed


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    auth_event_record(action="auth.login", username=user.get_username(), user=user)


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        auth_event_record(action="auth.logout", username=user.get_username(), user=user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Counted per address and account, not written row by row (accounts.signin).
    signin_failed(request, str(credentials.get("username", ""))[:150])
