"""Sending notifications: rows and their delivery jobs written in the caller's transaction,
delivered by a worker with retries over more than four hours; nothing is lost when a channel
is down or a worker is killed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.accounts.models import User
from tongban.notify.channels import ChannelUnavailable, channels
from tongban.notify.models import Notification

# Waits between attempts: 1, 5, 15, 30 minutes, then 1, 2, 2 hours — about 6 hours in all.
BACKOFF_SECONDS = (60, 300, 900, 1800, 3600, 7200, 7200)


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)


def notify(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str,
    ref: str = "",
    channel_names: Iterable[str] = ("inbox", "sms"),
) -> list[Notification]:
    """Queue one notification per recipient and channel, in the caller's transaction."""
    from tongban.notify.tasks import deliver_notification

    now = timezone.now()
    created = []
    for recipient in {r.pk: r for r in recipients}.values():
        for name in channel_names:
            immediate = channels.get(name).immediate
            created.append(
                Notification(
                    recipient=recipient,
                    channel=name,
                    subject=subject[:200],
                    body=body,
                    ref=ref[:100],
                    status=Notification.Status.SENT if immediate else Notification.Status.PENDING,
                    sent_at=now if immediate else None,
                    next_attempt_at=None if immediate else now,
                )
            )
    # One insert for every row (their keys come back on SQLite and PostgreSQL alike), then a
    # delivery job for each row a worker must send.
    Notification.objects.bulk_create(created)
    for notification in created:
        if notification.status == Notification.Status.PENDING:
            deliver_notification.enqueue(notification.pk)
    return created


def notification_deliver(*, notification_id: int) -> str:
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
        return _retry_later(notification, str(exc))
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _retry_later(notification: Notification, error: str) -> str:
    from tongban.notify.tasks import deliver_notification

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
        deliver_notification.using(run_after=when).enqueue(notification.pk)
    return "retry"


def notification_requeue_stale() -> int:
    """Sweep: re-enqueue deliveries whose job was lost (a killed worker, a lost row)."""
    from tongban.notify.tasks import deliver_notification

    now = timezone.now()
    stale = Notification.objects.filter(
        Q(status=Notification.Status.SENDING, claimed_at__lt=now - claim_timeout())
        | Q(status=Notification.Status.PENDING, next_attempt_at__lt=now - claim_timeout())
    ).values_list("pk", flat=True)
    count = 0
    for pk in stale:
        deliver_notification.enqueue(pk)
        count += 1
    return count


def inbox_mark_read(*, user: User, notification_id: int) -> None:
    Notification.objects.filter(
        pk=notification_id, recipient=user, channel="inbox", read_at__isnull=True
    ).update(read_at=timezone.now())
