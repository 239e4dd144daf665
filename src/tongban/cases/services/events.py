"""The timeline entry every case write adds."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseEvent
from tongban.core.texts import translations_of


def case_event(
    case: Case,
    *,
    actor: User | None,
    action: str,
    from_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    data = dict(data or {})
    if other := translations_of(note):  # a note made with `said`: its other languages too
        data["note_i18n"] = other
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=str(note),
        data=data,
    )
