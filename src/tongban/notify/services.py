"""Sending notifications: rows and their delivery jobs written in the caller's transaction,
delivered by a worker with retries over more than four hours; nothing is lost when a channel
is down or a worker is killed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from tongban.accounts.models import User
from tongban.core.texts import translations_by_field
from tongban.notify.channels import channels
from tongban.notify.delivery import BACKOFF_SECONDS, claim_timeout, notification_send
from tongban.notify.models import Notification
from tongban.notify.tasks import deliver_later, deliver_notification

__all__ = [
    "BACKOFF_SECONDS",
    "notification_deliver",
    "notification_requeue_stale",
    "notify",
]


def notify(
    *,
    recipients: Iterable[User],
    subject: str,
    body: str,
    ref: str = "",
    channel_names: Iterable[str] = ("inbox", "sms"),
) -> list[Notification]:
    """Queue one notification per recipient and channel, in the caller's transaction. Every
    notification lands in the person's message centre first, whatever else carries it."""
    now = timezone.now()
    channel_names = ["inbox", *[name for name in channel_names if name != "inbox"]]
    i18n = translations_by_field(subject=subject, body=body)
    created = []
    for recipient in {r.pk: r for r in recipients}.values():
        for name in channel_names:
            immediate = channels.get(name).immediate
            created.append(
                Notification(
                    recipient=recipient,
                    channel=name,
                    subject=str(subject)[:200],
                    body=str(body),
                    i18n=i18n,
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
    """Claim, send, record; a failed attempt is tried again later by a new job."""
    return notification_send(notification_id=notification_id, reschedule=deliver_later)


def notification_requeue_stale() -> int:
    """Sweep: re-enqueue deliveries whose job was lost (a killed worker, a lost row)."""
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


def lockout_notify(*, username: str, address: str) -> list[Notification]:
    """Tell a person that their account was locked against an address after wrong passwords
    (once per account and half hour), so that someone else's attempts never go unnoticed."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import transaction

    person = get_user_model().objects.filter(username=username).first()
    if person is None or not cache.add(f"lockout-notice:{person.pk}", 1, 30 * 60):
        return []
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    with transaction.atomic():
        return notify(
            recipients=[person],
            subject="账号安全提醒：登录失败次数过多",
            body=(
                f"您的账号于 {when} 从地址 {address or '未知'} 连续输错密码，该地址已被暂停登录"
                "30分钟，您在其他地方登录不受影响。如非本人操作，请及时修改密码。"
            ),
            ref=f"lockout:{when}",
        )
