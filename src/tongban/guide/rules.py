"""Who maintains the guide's vocabulary and reads what people asked: the catalogue's keepers."""

from __future__ import annotations

from tongban.catalog.rules import manages_catalog
from tongban.core.permissions import set_perm


def register() -> None:
    set_perm("guide.manage_vocabulary", manages_catalog)
    set_perm("guide", manages_catalog)
    for model in ("synonym", "guidequery"):
        for action in ("view", "add", "change", "delete"):
            set_perm(f"guide.{action}_{model}", manages_catalog)
