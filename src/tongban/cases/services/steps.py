"""The shared shape of a lifecycle step: lock, check permission, transition, record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.cases.services.followers import case_transition_publish
from tongban.cases.services.notices import case_notify_applicant
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict


class CaseConflict(Conflict):
    """The transition is not allowed from the case's current state (HTTP 409)."""

    def __init__(self, case: Case, action: str) -> None:
        self.case = case
        super().__init__(f"办件当前状态为“{CaseState(case.state).label}”，不能执行“{action}”")


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "department")
        .get(pk=case.pk)
    )


def _step(
    case: Case,
    *,
    actor: User | None,
    permission: str,
    transition: Callable[[Case], Any],
    action: str,
    label: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    before: Callable[[Case], object] | None = None,
    after: Callable[[Case], object] | None = None,
    cause: str = "",
) -> Case:
    """Lock the case, check the actor may, make the transition (`before` adds to it), then
    record it: the timeline, the applicant's notice, the audit record, whatever the step
    makes of it (`after`: the result makers), and last the lifecycle's followers.

    `actor` None is the platform itself confirming what a device or a partner reported (a
    locker door cycle, a courier's 签收): then `cause` names the part that did, and the
    caller has checked the physical evidence; no person's permission applies."""
    case = _locked(case)
    if actor is None and not cause:
        raise ValueError("a step the platform takes names its cause")
    if actor is not None and not actor.has_perm(permission, case):
        raise PermissionDenied(f"无权对该办件执行“{label}”")
    from_state = case.state
    try:
        transition(case)
    except TransitionNotAllowed as exc:
        raise CaseConflict(case, label) from exc
    if before is not None:
        before(case)
    case.save()
    case_event(
        case, actor=actor, action=action, from_state=from_state, note=note, data=dict(data or {})
    )
    case_notify_applicant(case, action, note)
    # Last: the audit head row is locked from here until commit, serialising every writer.
    audit_log(
        action=f"case.{action}",
        obj=case,
        changes={"state": [from_state, case.state], **({"note": [None, note]} if note else {})},
    )
    if after is not None:
        after(case)
    case_transition_publish(
        case,
        actor=actor,
        action=action,
        from_state=from_state,
        note=note,
        data=data,
        cause=cause,
    )
    return case


def _required_text(value: str, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: [f"请填写{label}"]})
    return text
