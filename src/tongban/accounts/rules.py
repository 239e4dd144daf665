"""Object-level permissions for accounts, as readable predicates (django-rules)."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import ROLES_NEEDING_PERSONAL_INFO, Role
from tongban.core.permissions import predicate, set_perm


def role_predicate(*roles: str) -> Any:
    def _has_role(user: Any) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.has_role(*roles))

    return predicate(_has_role, name=f"has_role({','.join(roles)})")


is_administrator = role_predicate(Role.ADMINISTRATOR)
is_hall_manager = role_predicate(Role.HALL_MANAGER)
needs_personal_info = role_predicate(*ROLES_NEEDING_PERSONAL_INFO)


def _is_self(user: Any, subject: Any) -> bool:
    return bool(user and user.is_authenticated and subject is not None and user.pk == subject.pk)


is_self = predicate(_is_self, name="is_self")


def register() -> None:
    set_perm("accounts.view_personal_info", is_self | needs_personal_info)
    set_perm("accounts.manage_devices", is_administrator | is_hall_manager)
    set_perm("accounts.manage_users", is_administrator)
    set_perm("core.manage_calendar", is_administrator)
    set_perm("core.view_audit", is_administrator)
