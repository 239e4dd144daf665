"""The locker bank's touch screen (`/hall/locker/`): pickup with code and identity, drop-off
against a case, and the staff screen (deposit, collect) behind a credential. A bank signs in
once with its device key on the hall's device page; its browser session then stands for it.
Door cycles are followed by polling the door until its sensor reports it closed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity
from tongban.core.context import Actor, acting_as
from tongban.core.device_language import device_language
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.delivery.drivers import SimulatorDriver, driver_for
from tongban.delivery.identity import read_identity
from tongban.delivery.models import (
    Compartment,
    DoorCycle,
    LockerBank,
    LockerCredential,
)
from tongban.delivery.selectors import locker_staff_tasks
from tongban.delivery.services.credentials import credential_check
from tongban.delivery.services.doors import door_check
from tongban.delivery.services.locker_returns import (
    locker_collect_open,
    locker_drop_off_open,
)
from tongban.delivery.services.lockers import (
    locker_deposit_open,
    locker_pickup_open,
)
from tongban.hall.views.common import DEVICE_SESSION_KEY

STAFF_SESSION_KEY = "locker_staff"
STAFF_SESSION_SECONDS = 300
CYCLE_SESSION_KEY = "locker_cycle"
MAX_PHOTO_BYTES = 8 * 1024 * 1024


def locker_bank(request: HttpRequest) -> LockerBank | None:
    device_id = request.session.get(DEVICE_SESSION_KEY)
    if not isinstance(device_id, int):
        return None
    bank = (
        LockerBank.objects.select_related("device")
        .filter(device_id=device_id, active=True, device__revoked_at__isnull=True)
        .first()
    )
    if bank is None or bank.device.kind != DeviceIdentity.Kind.LOCKER:
        return None
    return bank


def _device_actor(bank: LockerBank) -> Actor:
    return Actor(id=f"device:{bank.device_id}", label=f"设备 {bank.device.name}")


def _staff(request: HttpRequest, bank: LockerBank) -> LockerCredential | None:
    held = request.session.get(STAFF_SESSION_KEY)
    if not isinstance(held, dict) or held.get("bank") != bank.pk:
        return None
    if held.get("until", 0) < timezone.now().timestamp():
        request.session.pop(STAFF_SESSION_KEY, None)
        return None
    held_id = held.get("id")
    if not isinstance(held_id, int):
        return None
    credential = LockerCredential.objects.select_related("holder").filter(pk=held_id).first()
    if credential is None or credential.revoked_at is not None:
        return None
    return credential


def _pickup(request: HttpRequest, bank: LockerBank) -> DoorCycle:
    person, qr_parcel = read_identity(request, bank.device, allow_qr=True)
    if person is None and qr_parcel is None:
        raise ValidationError(
            {"identity": ["请刷身份证、放置身份证拍照，或扫描手机上的取件二维码"]}
        )
    return locker_pickup_open(
        bank=bank, code=request.POST.get("code", ""), person=person, for_parcel=qr_parcel
    )


def _drop_off(request: HttpRequest, bank: LockerBank) -> DoorCycle:
    person, _ = read_identity(request, bank.device, allow_qr=False)
    return locker_drop_off_open(
        bank=bank, case_number=request.POST.get("case_number", ""), person=person
    )


def _staff_sign_in(request: HttpRequest, bank: LockerBank) -> None:
    credential = credential_check(
        bank=bank, number=request.POST.get("number", ""), pin=request.POST.get("pin", "")
    )
    request.session[STAFF_SESSION_KEY] = {
        "bank": bank.pk,
        "id": credential.pk,
        "until": timezone.now().timestamp() + STAFF_SESSION_SECONDS,
    }


def _staff_open(request: HttpRequest, bank: LockerBank, which: str) -> DoorCycle | None:
    credential = _staff(request, bank)
    if credential is None:
        messages.error(request, "工作人员登录已过期，请重新输入凭证")
        return None
    parcel_id = int(request.POST.get("parcel") or 0)
    opener = locker_deposit_open if which == "deposit" else locker_collect_open
    return opener(bank=bank, credential=credential, parcel_id=parcel_id)


def _act(request: HttpRequest, bank: LockerBank) -> None:
    action = request.POST.get("action", "")
    cycle: DoorCycle | None = None
    with acting_as(_device_actor(bank)):
        if action == "pickup":
            cycle = _pickup(request, bank)
        elif action == "drop_off":
            cycle = _drop_off(request, bank)
        elif action == "staff":
            _staff_sign_in(request, bank)
        elif action == "staff_out":
            request.session.pop(STAFF_SESSION_KEY, None)
        elif action in ("deposit", "collect"):
            cycle = _staff_open(request, bank, action)
        elif action == "sim_close" and bank.driver == "simulator":
            compartment = Compartment.objects.filter(
                bank=bank, pk=request.POST.get("compartment") or 0
            ).first()
            driver = driver_for(bank)
            if compartment is not None and isinstance(driver, SimulatorDriver):
                driver.simulate_close(compartment.board, compartment.lock)
                for pk in DoorCycle.objects.filter(
                    compartment=compartment, outcome=DoorCycle.Outcome.OPEN
                ).values_list("pk", flat=True):
                    door_check(pk)
    if cycle is not None:
        request.session[CYCLE_SESSION_KEY] = cycle.pk


def _page(request: HttpRequest, bank: LockerBank) -> dict[str, Any]:
    staff = _staff(request, bank)
    cycle_id = request.session.get(CYCLE_SESSION_KEY)
    cycle = (
        DoorCycle.objects.select_related("compartment")
        .filter(pk=cycle_id, compartment__bank=bank)
        .first()
        if cycle_id
        else None
    )
    page: dict[str, Any] = {
        "bank": bank,
        "cycle": cycle,
        "staff": staff,
        "simulated": bank.driver == "simulator",
        "free": bank.compartments.filter(state=Compartment.State.FREE).count(),
        "locked_seconds": max(0, int((bank.locked_until - timezone.now()).total_seconds()))
        if bank.locked_until and bank.locked_until > timezone.now()
        else 0,
    }
    if staff is not None:
        page.update(locker_staff_tasks(bank))
    if page["simulated"]:
        page["open_doors"] = list(
            Compartment.objects.filter(bank=bank, cycles__outcome=DoorCycle.Outcome.OPEN).distinct()
        )
    page["show_sim_reader"] = settings.ID_READER_SIMULATOR
    return page


@device_language
def locker(request: HttpRequest) -> HttpResponse:
    bank = locker_bank(request)
    if bank is None:
        return redirect("hall:device")
    if request.method == "POST":
        try:
            _act(request, bank)
        except PAGE_REFUSALS as exc:
            messages.error(request, refusal_text(exc))
        return redirect("delivery:locker")
    return render(request, "delivery/locker.html", _page(request, bank))


@device_language
def locker_door(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Polled while a door is open: its state now (closing it completes the cycle)."""
    bank = locker_bank(request)
    if bank is None:
        return HttpResponse(status=401)
    if not DoorCycle.objects.filter(pk=cycle_id, compartment__bank=bank).exists():
        return HttpResponse(status=404)
    with acting_as(_device_actor(bank)):
        cycle = door_check(cycle_id)
    if (
        cycle.outcome != DoorCycle.Outcome.OPEN
        and request.session.get(CYCLE_SESSION_KEY) == cycle.pk
    ):
        request.session.pop(CYCLE_SESSION_KEY, None)
    return render(request, "delivery/_door.html", {"cycle": cycle, "bank": bank})
