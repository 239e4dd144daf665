"""Reads on cases shared by pages, the API and the permission rules."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.cases.models import Case, Delegation


def delegation_active(*, applicant_id: int, agent_id: int, item_code: str) -> Delegation | None:
    """The agent's current authorisation from this applicant covering the item, if any."""
    now = timezone.now()
    for delegation in Delegation.objects.filter(
        applicant_id=applicant_id,
        agent_id=agent_id,
        revoked_at__isnull=True,
        valid_from__lte=now,
        valid_until__gt=now,
    ):
        if not delegation.item_codes or item_code in delegation.item_codes:
            return delegation
    return None


def case_get(pk: int) -> Case | None:
    return (
        Case.objects.select_related("item", "department", "applicant", "enterprise", "created_by")
        .filter(pk=pk)
        .first()
    )


def case_list_for_applicant(user_id: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(Q(applicant_id=user_id) | Q(created_by_id=user_id))
        .select_related("item", "department")
        .order_by("-created_at")
    )
