"""Pickup codes and the bank's screen lock: a code is eight random digits, single use, tied
to one compartment and one case, kept only as a keyed digest; five wrong codes in a row lock
the bank's screen with a growing delay and alert its staff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from tongban.core.audit import audit_log
from tongban.core.errors import TooManyAttempts
from tongban.delivery.models import LockerBank, LockerParcel
from tongban.delivery.services.doors import staff_alert

CODE_DIGITS = 8
FREE_FAILURES = 5
FIRST_LOCK_SECONDS = 60
LONGEST_LOCK_SECONDS = 3600


def code_new() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(bank: LockerBank, code: str) -> str:
    message = f"locker-code:{bank.pk}:{code.strip()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def receipt_new(prefix: str) -> str:
    """A receipt number people can read out: prefix, date, six random digits."""
    today = timezone.localdate()
    while True:
        number = f"{prefix}{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not LockerParcel.objects.filter(receipt=number).exists():
            return number


def lock_seconds(failures: int) -> int:
    if failures < FREE_FAILURES:
        return 0
    return int(min(FIRST_LOCK_SECONDS * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK_SECONDS))


def screen_check(bank: LockerBank, now: dt.datetime | None = None) -> None:
    """Refuse (429) while the bank's screen is locked after wrong codes."""
    now = now or timezone.now()
    if bank.locked_until and bank.locked_until > now:
        wait = int((bank.locked_until - now).total_seconds()) + 1
        raise TooManyAttempts(
            wait, f"取件码错误次数过多，本机已锁定，请{wait}秒后再试或联系工作人员"
        )


def screen_failed(bank: LockerBank, reason: str) -> int:
    """Count one wrong code (or wrong person) at this bank, in its own transaction; the fifth
    in a row and every one after locks the screen for longer, and each lock alerts staff."""
    LockerBank.objects.filter(pk=bank.pk).update(failed_codes=F("failed_codes") + 1)
    bank.refresh_from_db(fields=["failed_codes", "locked_until"])
    seconds = lock_seconds(bank.failed_codes)
    audit_log(
        action="locker.code_failed",
        obj=bank,
        changes={"reason": [None, reason], "failures": [None, bank.failed_codes]},
    )
    if seconds:
        bank.locked_until = timezone.now() + dt.timedelta(seconds=seconds)
        bank.save(update_fields=["locked_until"])
        staff_alert(
            bank,
            "取件码连续错误，屏幕已锁定",
            f"连续{bank.failed_codes}次取件码或身份不符，屏幕锁定{seconds}秒。如非正常使用，请到现场查看。",
        )
    return seconds


def screen_reset(bank: LockerBank) -> None:
    LockerBank.objects.filter(pk=bank.pk).update(failed_codes=0, locked_until=None)
