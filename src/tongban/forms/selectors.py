"""Reads the forms pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from tongban.catalog.models import ServiceItem
from tongban.forms.models import FilledForm


def items_with_forms() -> QuerySet[ServiceItem]:
    """Published items that have a form definition, for the kiosk's template list."""
    return (
        ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
        .exclude(form={})
        .select_related("department")
        .order_by("department__order", "name")
    )


def filled_form_by_reference(reference: str) -> FilledForm | None:
    return (
        FilledForm.objects.select_related("item__department")
        .filter(reference=reference.strip().upper())
        .first()
    )
