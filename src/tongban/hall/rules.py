"""Who may do what in a hall: its managers run it (windows, devices, the dashboard), its
window staff sign in and serve; administrators may do everything."""

from __future__ import annotations

from typing import Any

from tongban.accounts.rules import is_administrator, is_hall_manager
from tongban.core.permissions import predicate, set_perm


def _manages(user: Any, hall: Any) -> bool:
    return bool(
        user.is_authenticated and hall is not None and hall.managers.filter(pk=user.pk).exists()
    )


manages_hall = predicate(_manages, name="manages_hall")


def register() -> None:
    # object: the hall
    set_perm("hall.manage_hall", (is_hall_manager & manages_hall) | is_administrator)
    set_perm("hall.view_analysis", (is_hall_manager & manages_hall) | is_administrator)
