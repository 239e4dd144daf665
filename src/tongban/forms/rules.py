"""Who may maintain forms in the admin (the catalogue's maintainers) and see kiosk-filled forms
there (administrators: the window reads them through the audited API)."""

from __future__ import annotations

from tongban.accounts.rules import is_administrator
from tongban.catalog.rules import manages_catalog
from tongban.core.permissions import set_perm


def register() -> None:
    set_perm("tbforms", manages_catalog)  # the admin's app index
    for action in ("view", "change"):
        set_perm(f"tbforms.{action}_itemform", manages_catalog)
    set_perm("tbforms.view_filledform", is_administrator)
