"""Background jobs of notify: each named after what it runs, with no logic of its own."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from tongban.notify.delivery import notification_send


@task()
def deliver_notification(notification_id: int) -> str:
    return notification_send(notification_id=notification_id, reschedule=deliver_later)


def deliver_later(notification_id: int, when: dt.datetime) -> None:
    """Another attempt at `when`: a new job, written in the caller's transaction."""
    deliver_notification.using(run_after=when).enqueue(notification_id)
