"""Device identities: revocable API keys for kiosks, lockers and boards, never a person."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import device_register, device_revoke
from tongban.core.models import AuditRecord


@pytest.fixture
def kiosk(db: None) -> tuple[DeviceIdentity, str]:
    issued = device_register(kind=DeviceIdentity.Kind.KIOSK, name="自助机01", location="一楼大厅")
    return issued.device, issued.api_key


def test_a_device_calls_the_api_with_its_key(
    client: Client, kiosk: tuple[DeviceIdentity, str]
) -> None:
    device, key = kiosk
    response = client.get("/api/accounts/devices/me", HTTP_AUTHORIZATION=f"Device {key}")
    assert response.status_code == 200
    assert response.json() == {"kind": "kiosk", "name": "自助机01", "location": "一楼大厅"}
    device.refresh_from_db()
    assert device.last_seen_at is not None


def test_only_the_digest_of_the_key_is_stored(kiosk: tuple[DeviceIdentity, str]) -> None:
    device, key = kiosk
    secret = key.split(".", 1)[1]
    assert secret not in device.key_hash
    assert secret not in str(AuditRecord.objects.get(action="device.register").changes)


def test_a_wrong_or_revoked_key_is_refused(
    client: Client, kiosk: tuple[DeviceIdentity, str]
) -> None:
    device, key = kiosk
    wrong = key[:-2] + ("aa" if not key.endswith("aa") else "bb")
    assert (
        client.get("/api/accounts/devices/me", HTTP_AUTHORIZATION=f"Device {wrong}").status_code
        == 401
    )
    assert client.get("/api/accounts/devices/me").status_code == 401
    device_revoke(device=device)
    assert (
        client.get("/api/accounts/devices/me", HTTP_AUTHORIZATION=f"Device {key}").status_code
        == 401
    )
    assert AuditRecord.objects.filter(action="device.revoke", object_id=str(device.pk)).exists()


def test_a_device_key_does_not_open_a_persons_endpoints(
    client: Client, kiosk: tuple[DeviceIdentity, str]
) -> None:
    _, key = kiosk
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Device {key}").status_code == 401
