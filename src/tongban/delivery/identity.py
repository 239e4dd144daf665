"""Who is standing at a device (a locker bank's screen, a hall kiosk), proved by:

- the ID card's chip, read by the device's local reader agent, which signs what it read with
  the device's key (HMAC-SHA256 over "<timestamp>.<card JSON>" keyed with the SHA-256 of the
  device key, the digest the platform stores; two minutes' validity), so a page cannot post
  a made-up card;
- a photograph of the ID card, read by OCR;
- at a locker, the signed pickup QR from the applicant's signed-in phone (it also names the
  parcel it was made for);
- in the demo (`TONGBAN_ID_READER_SIMULATOR=1`), an ID number typed on the screen, standing
  for a card on the reader. Never on in production.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tongban.accounts.models import DeviceIdentity, User
from tongban.forms.idreader.ocr import reading_lane
from tongban.forms.idreader.reading import UnreadableDocument
from tongban.forms.services import document_read

MAX_PHOTO_BYTES = 8 * 1024 * 1024
CHIP_SKEW_SECONDS = 120
PICKUP_SALT = "tongban.delivery.pickup"
PICKUP_TOKEN_SECONDS = 600


def pickup_token(parcel_id: int, person: User) -> str:
    return signing.dumps({"p": parcel_id, "u": person.pk}, salt=PICKUP_SALT, compress=True)


def pickup_token_person(token: str) -> tuple[int, int] | None:
    """(parcel, person) of a fresh pickup QR, or None."""
    try:
        data = signing.loads(token.strip(), salt=PICKUP_SALT, max_age=PICKUP_TOKEN_SECONDS)
        return int(data["p"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def chip_signature(device_key_hash: str, card: dict[str, Any], stamp: int) -> str:
    body = json.dumps(card, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    message = f"{stamp}.{body}".encode()
    return hmac.new(device_key_hash.encode(), message, hashlib.sha256).hexdigest()


def signed_chip_card(device: DeviceIdentity, posted: str) -> dict[str, Any] | None:
    """The card a device's reader agent read and signed, or None."""
    try:
        data = json.loads(posted)
        card, stamp, signature = data["card"], int(data["ts"]), str(data["sig"])
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(card, dict) or abs(time.time() - stamp) > CHIP_SKEW_SECONDS:
        return None
    if not hmac.compare_digest(chip_signature(device.key_hash, card, stamp), signature):
        return None
    return card


def read_identity(
    request: HttpRequest, device: DeviceIdentity, *, allow_qr: bool
) -> tuple[User | None, int | None]:
    """The person proved at `device`, and the parcel a pickup QR names (-1: a QR that is not
    valid); (None, None) when nothing was proved."""
    people = get_user_model().objects
    token = request.POST.get("qr", "").strip() if allow_qr else ""
    if token:
        found = pickup_token_person(token)
        if found is None:
            return None, -1
        return people.filter(pk=found[1], is_active=True).first(), found[0]
    card = signed_chip_card(device, request.POST.get("id_card", "").strip() or "{}")
    typed = request.POST.get("sim_id_number", "").strip()
    if card is None and typed and settings.ID_READER_SIMULATOR:
        card = {"id_number": typed, "name": request.POST.get("sim_name", "")}
    photo = request.FILES.get("id_photo")
    try:
        if card is not None:
            reading = document_read(reader="chip", payload=card, where=device.get_kind_display())
        elif photo is not None:
            with reading_lane("kiosk"):
                payload = photo.read(MAX_PHOTO_BYTES + 1)
                reading = document_read(
                    reader="ocr", payload=payload, where=device.get_kind_display()
                )
        else:
            return None, None
    except (UnreadableDocument, LookupError, ValidationError):
        return None, None
    number = reading.fields.get("id_number")
    if number is None or not number.value:
        return None, None
    return people.filter(id_number=number.value.upper(), is_active=True).first(), None
