"""A form completed at a kiosk, handed in for the window: kept under its reference and a
ticket for the item's queue, together or not at all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import DeviceIdentity
from tongban.catalog.models import ServiceItem
from tongban.forms.models import FilledForm
from tongban.forms.services import filled_form_save
from tongban.hall import selectors
from tongban.hall.models import Hall, Ticket
from tongban.hall.services.tickets import ticket_issue


@transaction.atomic
def kiosk_form_hand_in(
    *,
    item: ServiceItem,
    hall: Hall,
    device: DeviceIdentity,
    situations: Mapping[str, str],
    data: Mapping[str, Any],
    sources: Mapping[str, Any],
    idempotency_key: str,
) -> tuple[FilledForm, Ticket]:
    """Keep the form for the window and issue the ticket to bring it there; a retry with the
    same key returns the first form and ticket."""
    category = selectors.category_for_item(hall, item.code)
    if category is None:
        raise ValidationError({"category": ["本大厅没有办理该事项的排队类别"]})
    filled = filled_form_save(
        item=item,
        situations=situations,
        data=data,
        sources=sources,
        device=device,
        idempotency_key=idempotency_key,
    )
    ticket = ticket_issue(
        hall=hall,
        category=category,
        source=Ticket.Source.KIOSK,
        device=device,
        idempotency_key=f"form-{idempotency_key}",
    )
    return filled, ticket
