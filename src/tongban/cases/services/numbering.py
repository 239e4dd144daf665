"""Case numbers: unique and gap-free per day, taken inside the accepting transaction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from tongban.cases.models import CaseNumberCounter


def case_number_next(*, day: dt.date) -> str:
    """The next number for `day`. Call inside the transaction that accepts the case: the row
    lock serialises concurrent acceptances, and a rollback gives the number back."""
    CaseNumberCounter.objects.bulk_create([CaseNumberCounter(day=day)], ignore_conflicts=True)
    counter = CaseNumberCounter.objects.select_for_update().get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.CASE_NUMBER_PREFIX}{day:%Y%m%d}{counter.last:06d}"
