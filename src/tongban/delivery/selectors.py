"""Reads the delivery pages and API share: a case's delivery, and the figures (results by
delivery mode, visits per case) computed from the cases themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from tongban.cases.models import Case, CaseState, Visit
from tongban.catalog.models import DeliveryMode
from tongban.delivery.models import Compartment, Delivery, LockerBank, LockerParcel

DONE = (CaseState.DELIVERED, CaseState.COMPLETED)


def delivery_figures() -> dict[str, Any]:
    """Over every case whose result reached its applicant: how it got there (the mode that
    really happened) and how many times, on average, the applicant came in person for it (its
    recorded visits: applying at a window, correcting, picking up)."""
    done = Case.objects.filter(state__in=DONE)
    cases = done.count()
    visits = Visit.objects.filter(case__state__in=DONE).count()
    counted = dict(
        Delivery.objects.filter(case__state__in=DONE)
        .values_list("mode")
        .annotate(n=Count("pk"))
        .values_list("mode", "n")
    )
    unrecorded = cases - sum(counted.values())
    by_mode = [
        {"mode": m.value, "label": str(m.label), "results": counted.get(m.value, 0)}
        for m in DeliveryMode
    ]
    if unrecorded > 0:
        by_mode.append(
            {"mode": "unrecorded", "label": "未记录（早于送达选择）", "results": unrecorded}
        )
    return {
        "cases_with_results": cases,
        "visits": visits,
        "visits_per_case": round(visits / cases, 3) if cases else None,
        "by_mode": by_mode,
    }


def locker_staff_tasks(bank: LockerBank) -> dict[str, list[Any]]:
    """What staff signed in at a bank have to do there: results to put in, drop-offs and
    expired results to take out, compartments to check."""
    live = LockerParcel.objects.filter(compartment__bank=bank).select_related(
        "compartment", "case__item"
    )
    now = timezone.now()
    return {
        "to_deposit": list(
            live.filter(kind=LockerParcel.Kind.PICKUP, state=LockerParcel.State.RESERVED)
        ),
        "to_collect": [
            p
            for p in live.filter(state=LockerParcel.State.DEPOSITED)
            if p.kind == LockerParcel.Kind.DROP_OFF
            or (p.code_expires_at is not None and p.code_expires_at < now)
        ],
        "faulty": list(bank.compartments.filter(state=Compartment.State.FAULTY)),
    }
