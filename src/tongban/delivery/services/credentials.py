"""Staff and courier credentials at the lockers: a number and a PIN shown once, kept hashed,
revocable; a wrong PIN counts against the bank like a wrong code."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.throttle import FailureGate
from tongban.delivery.models import LockerBank, LockerCredential

CREDENTIAL_GATE = FailureGate("locker.credential", limit=5, window=300)


def _may_manage(actor: User) -> bool:
    return actor.has_perm("delivery.manage_lockers")


@transaction.atomic
def credential_issue(
    *, actor: User, holder: User, kind: str, banks: Iterable[LockerBank] = ()
) -> tuple[LockerCredential, str]:
    """A new credential and its PIN, which is shown this once and never stored."""
    if not _may_manage(actor):
        raise PermissionDenied("无权管理信包箱凭证")
    if kind not in LockerCredential.Kind.values:
        raise ValidationError({"kind": ["凭证类型应为工作人员或快递员"]})
    if not holder.is_active:
        raise ValidationError({"holder": ["该用户已停用"]})
    prefix = "S" if kind == LockerCredential.Kind.STAFF else "C"
    while True:
        number = f"{prefix}{secrets.randbelow(10**6):06d}"
        if not LockerCredential.objects.filter(number=number).exists():
            break
    pin = f"{secrets.randbelow(10**6):06d}"
    credential = LockerCredential.objects.create(
        holder=holder, kind=kind, number=number, pin_hash=make_password(pin)
    )
    credential.banks.set(list(banks))
    audit_log(
        action="locker.credential_issue",
        obj=credential,
        changes={"holder": [None, holder.pk], "kind": [None, kind], "number": [None, number]},
    )
    return credential, pin


@transaction.atomic
def credential_revoke(*, actor: User, credential: LockerCredential) -> LockerCredential:
    if not _may_manage(actor):
        raise PermissionDenied("无权管理信包箱凭证")
    if credential.revoked_at is not None:
        raise Conflict("该凭证已吊销")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    audit_log(action="locker.credential_revoke", obj=credential, changes={"revoked": [False, True]})
    return credential


def credential_check(*, bank: LockerBank, number: str, pin: str) -> LockerCredential:
    """The active credential for this number and PIN at this bank, or a refusal; failures are
    counted per bank (five in five minutes stop the screen's staff sign-in)."""
    client = f"bank:{bank.code}"
    CREDENTIAL_GATE.check(client)
    credential = (
        LockerCredential.objects.select_related("holder")
        .filter(number=number.strip().upper())
        .first()
    )
    ok = (
        credential is not None
        and credential.revoked_at is None
        and credential.holder.is_active
        and check_password(pin.strip(), credential.pin_hash)
    )
    if not ok or credential is None:
        CREDENTIAL_GATE.fail(client, "信包箱凭证或口令错误", bank=bank.code)
        raise ValidationError({"pin": ["凭证号或口令错误，或凭证已吊销"]})
    banks = list(credential.banks.all())
    if banks and bank not in banks:
        raise ValidationError({"pin": ["该凭证不能在本信包箱使用"]})
    credential.last_used_at = timezone.now()
    credential.save(update_fields=["last_used_at"])
    return credential
