"""Background jobs of notify: each named after the service it calls, with no logic of its own."""

from __future__ import annotations

from django_tasks import task

from tongban.notify.services import notification_deliver


@task()
def deliver_notification(notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id)
