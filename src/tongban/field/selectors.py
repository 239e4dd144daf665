"""Reads of visits and inspections, each checked against who asks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tongban.accounts.models import User
from tongban.field.models import FieldVisit, Inspection


def visit_for(user: User, visit_id: int) -> FieldVisit:
    """A visit the user may see; anything else is 'not found', so ids cannot be probed."""
    visit = FieldVisit.objects.filter(pk=visit_id).first()
    if visit is None or not user.has_perm("field.view_visit", visit):
        raise Http404("现场核查不存在")
    return visit


def inspection_for(user: User, inspection_id: int) -> Inspection:
    inspection = (
        Inspection.objects.select_related("visit", "case", "department")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None or not (
        user.has_perm("field.view_visit", inspection.visit)
        or user.has_perm("cases.act_as_applicant", inspection.case)
    ):
        raise Http404("现场核查不存在")
    return inspection


def visits_assigned(user: User) -> QuerySet[FieldVisit]:
    """The visits the user inspects that are not over, soonest first."""
    return (
        FieldVisit.objects.filter(
            assignments__inspector=user,
            state__in=[FieldVisit.State.PROPOSED, FieldVisit.State.SCHEDULED],
        )
        .distinct()
        .order_by("starts_at", "pk")
    )


def inspections_to_assign(user: User) -> QuerySet[Inspection]:
    """Open inspections of the user's department whose visit still lacks its inspectors."""
    if user.department_id is None:
        return Inspection.objects.none()
    return (
        Inspection.objects.filter(
            department_id=user.department_id,
            state=Inspection.State.OPEN,
            visit__state=FieldVisit.State.PROPOSED,
        )
        .select_related("case__item", "visit")
        .order_by("due", "pk")
    )
