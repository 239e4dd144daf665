"""Who may maintain the catalog and see its overview."""

from __future__ import annotations

from tongban.accounts.models import Role
from tongban.accounts.rules import role_predicate
from tongban.core.permissions import set_perm

manages_catalog = role_predicate(Role.ADMINISTRATOR, Role.HALL_MANAGER)


# Django admin's model permissions for the catalog, granted by role rather than per user row.
ADMIN_MODELS = (
    "serviceitem",
    "lifeevent",
    "legalbasis",
    "condition",
    "material",
    "situation",
    "situationoption",
    "bundle",
)


def register() -> None:
    set_perm("catalog.manage_items", manages_catalog)
    set_perm("catalog.view_overview", manages_catalog)
    set_perm("catalog", manages_catalog)  # the admin's app index
    for model in ADMIN_MODELS:
        for action in ("view", "add", "change", "delete"):
            set_perm(f"catalog.{action}_{model}", manages_catalog)
