"""Who maintains the service points: the catalogue's keepers (administrators, hall managers)."""

from __future__ import annotations

from tongban.catalog.rules import manages_catalog
from tongban.core.permissions import set_perm


def register() -> None:
    set_perm("servicemap.manage_points", manages_catalog)
    set_perm("servicemap", manages_catalog)
    for action in ("view", "add", "change", "delete"):
        set_perm(f"servicemap.{action}_servicepoint", manages_catalog)
