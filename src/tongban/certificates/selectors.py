"""Reads of the certificate library."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tongban.accounts.models import User
from tongban.certificates.models import Certificate, HolderKind
from tongban.core.masking import mask


def certificates_held(user: User) -> QuerySet[Certificate]:
    """Certificates the user holds, in person or through an enterprise they act for."""
    condition = Q(holder_user=user)
    if user.id_number:
        condition |= Q(holder_kind=HolderKind.PERSON, holder_key=user.id_number)
    usccs = list(user.enterprises.values_list("uscc", flat=True))
    if usccs:
        condition |= Q(holder_kind=HolderKind.ENTERPRISE, holder_key__in=usccs)
    return (
        Certificate.objects.filter(condition)
        .select_related("type", "issuer", "case")
        .defer("pdf")
        .order_by("-issued_on", "-pk")
    )


def certificate_by_token(token: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("type", "issuer")
        .defer("pdf")
        .filter(token=token)
        .first()
    )


def certificate_by_number(number: str) -> Certificate | None:
    return Certificate.objects.select_related("type", "issuer").filter(number=number).first()


def public_facts(certificate: Certificate) -> dict[str, Any]:
    """What the public verification page shows: an enterprise's licence data are public, a
    person's name and number are masked."""
    person = certificate.holder_kind == HolderKind.PERSON
    return {
        "type": certificate.type.name,
        "number": certificate.number,
        "holder": mask("name", certificate.holder_name) if person else certificate.holder_name,
        "holder_key": mask("id_number", certificate.holder_key)
        if person
        else certificate.holder_key,
        # Issued in the name of the seal's holder (decision 47: 相对集中许可); the department
        # that handled it is named beside it when it is another body.
        "issuer": certificate.seal_holder,
        "handled_by": certificate.issuer.name
        if certificate.issuer.name != certificate.seal_holder
        else "",
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
        "seal": certificate.seal_holder,
    }
