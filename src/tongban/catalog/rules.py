"""Who may maintain the catalog and see its overview."""

from __future__ import annotations

import rules

from tongban.accounts.models import Role
from tongban.accounts.rules import role_predicate

manages_catalog = role_predicate(Role.ADMINISTRATOR, Role.HALL_MANAGER)


def register() -> None:
    rules.set_perm("catalog.manage_items", manages_catalog)
    rules.set_perm("catalog.view_overview", manages_catalog)
