"""The message centre (消息中心): every signed-in person's inbox, where every notification
lands first whatever other channels carry it; unread counts, marking read, and where each
message leads."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tongban.accounts.models import STAFF_ROLES, User
from tongban.notify.models import Notification

INBOX = "inbox"


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user, channel=INBOX)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=INBOX, read_at__isnull=True).count()


def inbox_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the person's own messages read; False if it is not theirs or was read."""
    return bool(
        Notification.objects.filter(
            pk=notification_id, recipient=user, channel=INBOX, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


def inbox_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=INBOX, read_at__isnull=True).update(
        read_at=timezone.now()
    )


RATING_LINKS = {
    "rating-case": "ratings:case",
    "rating-bundle": "ratings:bundle",
    "rating": "ratings:rating",
    "rating-task": "ratings:task",
}


def message_link(user: User, ref: str) -> str:
    """Where a message leads: its case (the staff page for staff), appointments, a ticket."""
    kind, _, key = ref.partition(":")
    try:
        if kind == "case" and key.isdigit():
            name = "cases:case" if user.has_role(*STAFF_ROLES) else "cases:mine_detail"
            return reverse(name, args=[int(key)])
        if kind == "hall-appointment":
            return reverse("hall:appointments")
        # 好差评: an invitation to rate, a rating's handling, a department's task or appeal.
        if kind in RATING_LINKS and key.isdigit():
            # An invitation opened from the message centre rates through it (评价渠道).
            via = "?via=message" if kind in ("rating-case", "rating-bundle") else ""
            return reverse(RATING_LINKS[kind], args=[int(key)]) + via
    except NoReverseMatch:
        return ""
    return ""
