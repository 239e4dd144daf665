"""Visits recorded from outside the case's own steps: a hall ticket served at a window."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState, Visit
from tongban.cases.services.events import case_event
from tongban.core.audit import audit_log
from tongban.core.texts import said


def visit_purpose_for(case: Case) -> str:
    """Why the applicant came, judged from where the case stands."""
    if case.state == CaseState.CORRECTION:
        return Visit.Purpose.CORRECTION
    if case.state in (CaseState.RESULT_READY, CaseState.DELIVERED, CaseState.COMPLETED):
        return Visit.Purpose.PICKUP
    return Visit.Purpose.WINDOW_APPLICATION


def visit_once(case: Case, *, purpose: str, actor: User) -> Visit:
    """Record that the applicant came in person, once per trip: a visit this staff member
    already recorded on the case today (a ticket linked at the window, then acceptance in
    person) is the same trip."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    existing = Visit.objects.filter(case=case, recorded_by=actor, at__gte=start).first()
    if existing is not None:
        return existing
    return Visit.objects.create(case=case, purpose=purpose, recorded_by=actor)


@transaction.atomic
def case_visit_record(*, case: Case, actor: User, since: dt.datetime) -> Visit:
    """Count one visit on the case for the person served at a window since `since` (the
    ticket's issue). A visit this clerk already recorded in that time (window acceptance,
    pickup) is the same visit and is returned instead of counting twice."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not actor.has_perm("cases.record_visit", case):
        raise PermissionDenied("无权为该办件登记到现场记录")
    existing = (
        Visit.objects.filter(case=case, recorded_by=actor, at__gte=since).order_by("at").first()
    )
    if existing is not None:
        return existing
    visit = Visit.objects.create(case=case, purpose=visit_purpose_for(case), recorded_by=actor)
    case_event(
        case,
        actor=actor,
        action="visit",
        note=said(gettext_noop("到现场：{purpose}"), purpose=Visit.Purpose(visit.purpose).label),
    )
    audit_log(
        action="case.visit",
        obj=case,
        changes={"visit": [None, visit.purpose], "at": [None, timezone.localtime(visit.at)]},
    )
    return visit
