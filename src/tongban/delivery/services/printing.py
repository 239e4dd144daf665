"""证照打印 at the kiosk: the holder proves who they are with their ID card, sees their own
certificates and their enterprises' (as legal representative), and prints one. Each print is
audited and needs its own identity check."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity, EnterpriseMember, User
from tongban.certificates.models import Certificate, HolderKind
from tongban.core.audit import audit_log
from tongban.core.context import Actor, acting_as
from tongban.core.errors import Conflict


def printable_certificates(person: User) -> QuerySet[Certificate]:
    """Valid certificates the person holds, or their enterprises hold where they are the
    legal representative (an enterprise's handler does not print its licence)."""
    usccs = list(
        EnterpriseMember.objects.filter(
            user=person, capacity=EnterpriseMember.Capacity.LEGAL_REPRESENTATIVE
        ).values_list("enterprise__uscc", flat=True)
    )
    held = Q(holder_user=person)
    if person.id_number:
        held |= Q(holder_kind=HolderKind.PERSON, holder_key=person.id_number)
    if usccs:
        held |= Q(holder_kind=HolderKind.ENTERPRISE, holder_key__in=usccs)
    today = timezone.localdate()
    return (
        Certificate.objects.filter(held, state=Certificate.State.VALID)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("type")
        .defer("pdf")
        .order_by("-issued_on", "-pk")
    )


def certificate_kiosk_print(
    *, person: User, number: str, device: DeviceIdentity, checked_at: dt.datetime
) -> Certificate:
    """The certificate to print, if `person` (identified at this kiosk at `checked_at`) may
    print it; the print is audited with the kiosk and the person."""
    certificate = printable_certificates(person).filter(number=number).first()
    if certificate is None:
        raise Conflict("该证照不存在、已失效，或不属于本人及本人任法定代表人的企业")
    with (
        acting_as(Actor(id=f"device:{device.pk}", label=f"设备 {device.name}")),
        transaction.atomic(),
    ):
        audit_log(
            action="certificates.kiosk_print",
            obj=certificate,
            changes={
                "number": [None, certificate.number],
                "person": [None, person.pk],
                "identity_checked_at": [None, checked_at],
            },
        )
    return Certificate.objects.select_related("type").get(pk=certificate.pk)
