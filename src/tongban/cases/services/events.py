"""The timeline entry every case write adds."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseEvent


def case_event(
    case: Case,
    *,
    actor: User | None,
    action: str,
    from_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
    )
