"""Delivering one notification: claim it, send it through its channel, record the outcome.
Safe to run twice; a failed attempt is handed to `reschedule` (the job queue) with when to
try again, in the same transaction as the row's new state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.notify.channels import ChannelUnavailable, channels
from tongban.notify.models import Notification

# Waits between attempts: 1, 5, 15, 30 minutes, then 1, 2, 2 hours — about 6 hours in all.
BACKOFF_SECONDS = (60, 300, 900, 1800, 3600, 7200, 7200)

Reschedule = Callable[[int, dt.datetime], object]


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)


def notification_send(*, notification_id: int, reschedule: Reschedule) -> str:
    """Claim, send, record. Safe to run twice: a sent row is skipped, and a claim left by a
    killed worker is taken over once it is older than the claim timeout."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(
            Q(status=Notification.Status.PENDING)
            | Q(status=Notification.Status.SENDING, claimed_at__lt=now - claim_timeout())
        )
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        channels.get(notification.channel).send(notification)
    except ChannelUnavailable as exc:
        return _retry_later(notification, str(exc), reschedule)
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _retry_later(notification: Notification, error: str, reschedule: Reschedule) -> str:

    if notification.attempts > len(BACKOFF_SECONDS):
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED, last_error=error[:300]
        )
        return "failed"
    when = timezone.now() + dt.timedelta(seconds=BACKOFF_SECONDS[notification.attempts - 1])
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING, next_attempt_at=when, last_error=error[:300]
        )
        reschedule(notification.pk, when)
    return "retry"
