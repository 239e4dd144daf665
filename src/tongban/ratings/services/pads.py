"""Setting up a rating pad: a device identity with its own key, placed at one window."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import IssuedDeviceKey, device_register
from tongban.core.audit import audit_log
from tongban.hall.models import Window
from tongban.ratings.models import RatingPad


@transaction.atomic
def rating_pad_place(*, device: DeviceIdentity, window: Window) -> RatingPad:
    """Put a rating pad at a window (moving it from where it stood); one pad per window."""
    if device.kind != DeviceIdentity.Kind.RATING_PAD:
        raise ValidationError({"device": ["该设备不是评价器"]})
    taken = RatingPad.objects.filter(window=window).exclude(device=device).first()
    if taken is not None:
        raise ValidationError({"window": [f"{window.label}已有评价器：{taken.device.name}"]})
    pad, created = RatingPad.objects.update_or_create(device=device, defaults={"window": window})
    audit_log(
        action="rating.pad.place",
        obj=pad,
        changes={"window": window.pk, "created": created},
    )
    return pad


@transaction.atomic
def rating_pad_setup(*, window: Window, name: str) -> IssuedDeviceKey:
    """A new pad for a window: its key is shown once, to be entered on the pad."""
    issued = device_register(
        kind=DeviceIdentity.Kind.RATING_PAD,
        name=name,
        location=f"{window.hall.name} {window.label}",
    )
    rating_pad_place(device=issued.device, window=window)
    return issued
