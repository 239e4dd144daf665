"""Who may do what with deliveries: hall managers and administrators run the lockers (banks,
credentials); the staff who may deliver a case reserve, ship and hand over its result."""

from __future__ import annotations

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, is_hall_manager, role_predicate
from tongban.core.permissions import set_perm

is_delivering_staff = role_predicate(Role.CLERK, Role.REVIEWER, Role.ADMINISTRATOR)


def register() -> None:
    set_perm("delivery.manage_lockers", is_hall_manager | is_administrator)
    # The run sheet and the locker overview; each case's own rule still applies to acting on it.
    set_perm("delivery.view_run_sheet", is_delivering_staff)
