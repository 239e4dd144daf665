"""A kiosk cannot guess check-in codes: after a few wrong codes in a window it is stopped
(429 with Retry-After), and the guesses cost the audit chain two rows, not one each."""

from __future__ import annotations

from django.test import Client

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import device_register
from tongban.core.models import AuditRecord
from tongban.hall.services.appointments import (
    CHECK_IN_CODE_GATE,
    appointment_book,
    slots_ensure,
)
from tongban.hall.services.setup import hall_device_place


def test_a_kiosk_guessing_codes_is_stopped_and_counted(hs: HallSetup, zhangsan: User) -> None:
    slots_ensure(hs.hall)
    today = hs.hall.slots.filter(category=hs.b).order_by("day", "starts_at").last()
    slot = hs.hall.slots.filter(category=hs.b, day=today.day).order_by("starts_at").last()
    booked = appointment_book(applicant=UserFactory(roles=[Role.APPLICANT]), slot=slot)
    issued = device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机")
    hall_device_place(device=issued.device, hall=hs.hall)
    kiosk = Client(HTTP_AUTHORIZATION=f"Device {issued.api_key}")
    url = f"/api/hall/halls/{hs.hall.code}/check-in"
    before = AuditRecord.objects.count()
    guesses = [
        kiosk.post(url, {"code": f"{n:06d}"}, content_type="application/json")
        for n in range(CHECK_IN_CODE_GATE.limit + 20)
    ]
    statuses = [g.status_code for g in guesses]
    assert statuses[: CHECK_IN_CODE_GATE.limit] == [404] * CHECK_IN_CODE_GATE.limit
    assert set(statuses[CHECK_IN_CODE_GATE.limit :]) == {429}
    assert int(guesses[-1]["Retry-After"]) >= 1
    # Even the right code waits for the window to pass.
    right = kiosk.post(url, {"code": booked.code}, content_type="application/json")
    assert right.status_code == 429
    assert AuditRecord.objects.count() - before == 2
    assert AuditRecord.objects.filter(action="hall.check_in_code.throttled").exists()
