"""Object-level permissions for accounts, as readable predicates (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from tongban.accounts.models import ROLES_NEEDING_PERSONAL_INFO, Role


def role_predicate(*roles: str) -> Any:
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def _has_role(user: Any) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.has_role(*roles))

    return _has_role


is_administrator = role_predicate(Role.ADMINISTRATOR)
is_hall_manager = role_predicate(Role.HALL_MANAGER)
needs_personal_info = role_predicate(*ROLES_NEEDING_PERSONAL_INFO)


@rules.predicate
def is_self(user: Any, subject: Any) -> bool:
    return bool(user and user.is_authenticated and subject is not None and user.pk == subject.pk)


def register() -> None:
    rules.set_perm("accounts.view_personal_info", is_self | needs_personal_info)
    rules.set_perm("accounts.manage_devices", is_administrator | is_hall_manager)
    rules.set_perm("accounts.manage_users", is_administrator)
    rules.set_perm("core.manage_calendar", is_administrator)
    rules.set_perm("core.view_audit", is_administrator)
