"""Who may maintain the catalog and see its overview."""

from __future__ import annotations

from tongban.accounts.models import Role
from tongban.accounts.rules import role_predicate
from tongban.core.permissions import set_perm

manages_catalog = role_predicate(Role.ADMINISTRATOR, Role.HALL_MANAGER)


def register() -> None:
    set_perm("catalog.manage_items", manages_catalog)
    set_perm("catalog.view_overview", manages_catalog)
