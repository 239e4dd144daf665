"""Door cycles: one opening of one compartment's door, until its sensor reports it closed.
What the opening was for takes effect only when the cycle completes (`door_purposes`); a jam, a
sensor mismatch or a door left open marks the compartment for a check and alerts staff, and
nothing is taken as done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.core.audit import audit_log
from tongban.core.registry import Registry
from tongban.delivery.drivers import Door, LockFault, driver_for
from tongban.delivery.models import (
    Compartment,
    DoorCycle,
    LockerBank,
    LockerCredential,
    LockerParcel,
)
from tongban.notify.services import notify

# What a completed cycle does, by purpose (deposit, pickup, drop-off, collect); registered
# explicitly in `apps.py` by the services that open doors.
OnClosed = Callable[[DoorCycle], None]
door_purposes: Registry[OnClosed] = Registry("door purpose")


def bank_staff(bank: LockerBank) -> list[User]:
    """Who is alerted about a bank: its own staff, else the hall managers."""
    staff = list(bank.staff.filter(is_active=True))
    if staff:
        return staff
    return list(User.objects.filter(is_active=True, role_grants__role=Role.HALL_MANAGER))


def staff_alert(bank: LockerBank, subject: str, body: str) -> None:
    notify(
        recipients=bank_staff(bank),
        subject=f"信包箱告警：{subject}",
        body=f"{bank.name}（{bank.place}）：{body}",
        ref=f"locker:{bank.code}",
    )


def _fault(compartment: Compartment, cycle: DoorCycle | None, text: str) -> None:
    Compartment.objects.filter(pk=compartment.pk).update(state=Compartment.State.FAULTY, fault=text)
    staff_alert(
        compartment.bank,
        f"{compartment.label}格{text}",
        f"{compartment.label}格{text}，请到现场核查。",
    )
    audit_log(
        action="locker.fault",
        obj=compartment,
        changes={"fault": [None, text], "cycle": [None, cycle.pk if cycle else None]},
    )


def door_open(
    *,
    parcel: LockerParcel,
    purpose: str,
    person: User | None = None,
    credential: LockerCredential | None = None,
) -> tuple[DoorCycle | None, str]:
    """Open the parcel's door, in the caller's transaction: the cycle and its audit record
    (who, which door, when, for which case), or the fault that stopped it (compartment marked,
    staff alerted) as its Chinese text. The caller commits either way and then reports."""
    compartment = parcel.compartment
    driver = driver_for(compartment.bank)
    now = timezone.now()
    try:
        driver.open(compartment.board, compartment.lock)
    except LockFault as exc:
        cycle = DoorCycle.objects.create(
            compartment=compartment,
            parcel=parcel,
            purpose=purpose,
            outcome=DoorCycle.Outcome.MISMATCH
            if exc.kind == "mismatch"
            else DoorCycle.Outcome.JAMMED,
            person=person,
            credential=credential,
            opened_at=now,
            closed_at=now,
        )
        _fault(compartment, cycle, str(exc))
        _audit_opening(cycle, parcel, ok=False, detail=str(exc))
        return None, str(exc)
    cycle = DoorCycle.objects.create(
        compartment=compartment,
        parcel=parcel,
        purpose=purpose,
        outcome=DoorCycle.Outcome.OPEN,
        person=person,
        credential=credential,
        opened_at=now,
    )
    _audit_opening(cycle, parcel, ok=True)
    return cycle, ""


def _audit_opening(cycle: DoorCycle, parcel: LockerParcel, *, ok: bool, detail: str = "") -> None:
    who = (
        f"user:{cycle.person_id}"
        if cycle.person_id
        else f"credential:{cycle.credential.number}"
        if cycle.credential
        else "unknown"
    )
    audit_log(
        action="locker.door_open" if ok else "locker.door_failed",
        obj=cycle.compartment,
        changes={
            "door": [None, f"{cycle.compartment.bank.code}/{cycle.compartment.label}"],
            "purpose": [None, cycle.purpose],
            "case": [None, parcel.case_id],
            "parcel": [None, parcel.receipt],
            "who": [None, who],
            **({"fault": [None, detail]} if detail else {}),
        },
    )


def door_check(cycle_id: int, *, now: dt.datetime | None = None) -> DoorCycle:
    """Read an open cycle's door: closed completes it (and what it was for takes effect);
    a door left open past the bank's limit, or a sensor that cannot be read, is a fault."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = (
            DoorCycle.objects.select_for_update(of=("self",))
            .select_related("compartment__bank", "parcel", "credential")
            .get(pk=cycle_id)
        )
        if cycle.outcome != DoorCycle.Outcome.OPEN:
            return cycle
        compartment = cycle.compartment
        try:
            door = driver_for(compartment.bank).door(compartment.board, compartment.lock)
        except LockFault as exc:
            _end(cycle, DoorCycle.Outcome.MISMATCH, now)
            _fault(compartment, cycle, str(exc))
            return cycle
        if door is Door.CLOSED:
            _end(cycle, DoorCycle.Outcome.COMPLETED, now)
            door_purposes.get(cycle.purpose)(cycle)
            audit_log(
                action="locker.door_closed",
                obj=compartment,
                changes={"cycle": [None, cycle.pk], "purpose": [None, cycle.purpose]},
            )
        elif (now - cycle.opened_at).total_seconds() > compartment.bank.door_timeout_seconds:
            _end(cycle, DoorCycle.Outcome.TIMED_OUT, now)
            _fault(compartment, cycle, "柜门长时间未关闭")
        return cycle


def _end(cycle: DoorCycle, outcome: str, now: dt.datetime) -> None:
    cycle.outcome = outcome
    cycle.closed_at = now
    cycle.save(update_fields=["outcome", "closed_at"])


def doors_sweep() -> str:
    """Check every door still open (a screen closed mid-cycle must not leave one hanging)."""
    checked = 0
    for pk in DoorCycle.objects.filter(outcome=DoorCycle.Outcome.OPEN).values_list("pk", flat=True):
        door_check(pk)
        checked += 1
    return f"柜门检查 {checked}"
