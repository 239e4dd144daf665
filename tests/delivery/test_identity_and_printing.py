"""Proving who stands at a device: a chip reading counts only when the device's reader agent
signed it; the typed stand-in is for the demo only. Kiosk printing: the holder's own and
their enterprises' valid certificates, one identity check per print, every print audited."""

from __future__ import annotations

import json
import time

import pytest
from django.test import RequestFactory, override_settings

from tongban.accounts.models import DeviceIdentity, User
from tongban.accounts.services import device_register
from tongban.delivery.identity import chip_signature, read_identity, signed_chip_card


@pytest.fixture
def kiosk(db: None) -> DeviceIdentity:
    return device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机").device


def _signed(device: DeviceIdentity, card: dict[str, str], stamp: int | None = None) -> str:
    at = int(time.time()) if stamp is None else stamp
    return json.dumps({"card": card, "ts": at, "sig": chip_signature(device.key_hash, card, at)})


def _post(data: dict[str, str]) -> object:
    return RequestFactory().post("/hall/locker/", data)


def test_only_a_reading_the_devices_agent_signed_proves_a_person(
    kiosk: DeviceIdentity, zhangsan: User
) -> None:
    card = {"id_number": str(zhangsan.id_number), "name": "张三"}
    assert signed_chip_card(kiosk, _signed(kiosk, card)) == card
    forged = json.loads(_signed(kiosk, card))
    forged["card"]["id_number"] = "110101199003070000"
    assert signed_chip_card(kiosk, json.dumps(forged)) is None
    assert signed_chip_card(kiosk, _signed(kiosk, card, stamp=int(time.time()) - 600)) is None
    assert signed_chip_card(kiosk, json.dumps({"card": card})) is None
    person, _ = read_identity(_post({"id_card": _signed(kiosk, card)}), kiosk, allow_qr=False)  # type: ignore[arg-type]
    assert person == zhangsan


def test_a_typed_id_number_proves_nothing_outside_the_demo(
    kiosk: DeviceIdentity, zhangsan: User
) -> None:
    typed = {"sim_id_number": str(zhangsan.id_number)}
    assert read_identity(_post(typed), kiosk, allow_qr=False) == (None, None)  # type: ignore[arg-type]
    with override_settings(ID_READER_SIMULATOR=True):
        assert read_identity(_post(typed), kiosk, allow_qr=False)[0] == zhangsan  # type: ignore[arg-type]


def test_a_bad_pickup_qr_is_named_as_such(kiosk: DeviceIdentity) -> None:
    assert read_identity(_post({"qr": "nonsense"}), kiosk, allow_qr=True) == (None, -1)  # type: ignore[arg-type]
