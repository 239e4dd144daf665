"""Setting up a locker bank: its device identity (the screen's key, shown once) and its
compartments, wired board by board."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from tongban.accounts.models import DeviceIdentity, User
from tongban.accounts.services import device_register
from tongban.core.audit import audit_log
from tongban.delivery.models import Compartment, LockerBank

LOCKS_PER_BOARD = 24


@transaction.atomic
def locker_bank_setup(
    *,
    code: str,
    name: str,
    place: str,
    sizes: Iterable[str],
    region_code: str = "",
    driver: str = "simulator",
    code_valid_days: int = 7,
    staff: Iterable[User] = (),
) -> tuple[LockerBank, str]:
    """A bank with one compartment per size given (A01, A02, …, 24 locks to a board); the
    device key is returned once."""
    issued = device_register(kind=DeviceIdentity.Kind.LOCKER, name=name, location=place)
    bank = LockerBank.objects.create(
        code=code,
        name=name,
        place=place,
        region_code=region_code,
        device=issued.device,
        driver=driver,
        code_valid_days=code_valid_days,
    )
    bank.staff.set(list(staff))
    for n, size in enumerate(sizes):
        Compartment.objects.create(
            bank=bank,
            label=f"A{n + 1:02d}",
            size=size,
            board=n // LOCKS_PER_BOARD + 1,
            lock=n % LOCKS_PER_BOARD + 1,
        )
    audit_log(
        action="locker.setup",
        obj=bank,
        changes={"code": [None, code], "compartments": [None, bank.compartments.count()]},
    )
    return bank, issued.api_key
