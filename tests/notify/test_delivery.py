"""Notifications: written with the state change, delivered by a job, retried, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.accounts.models import User
from tongban.notify.channels import SmsChannel, SmsGateway, channels
from tongban.notify.contrib.log_sms import LogSmsGateway
from tongban.notify.models import Notification
from tongban.notify.services import (
    BACKOFF_SECONDS,
    notification_deliver,
    notification_requeue_stale,
    notify,
)


class DownGateway(SmsGateway):
    def send(self, *, phone: str, text: str, client_id: str) -> None:
        raise ConnectionRefusedError("gateway down")


@pytest.fixture
def down() -> object:
    previous = channels.get("sms")
    channels.register("sms", SmsChannel(DownGateway()), replace=True)
    yield
    channels.register("sms", previous, replace=True)


def test_a_notification_and_its_job_are_written_in_the_callers_transaction(
    zhangsan: User,
) -> None:
    notify(recipients=[zhangsan], subject="申请已受理", body="……")
    inbox, sms = Notification.objects.order_by("channel")
    assert (inbox.channel, inbox.status) == ("inbox", "sent")
    assert (sms.channel, sms.status) == ("sms", "pending")
    assert DBTaskResult.objects.count() == 1  # only the SMS needs a job

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[zhangsan], subject="不会发生", body="")
        raise RuntimeError("the state change failed")
    assert Notification.objects.count() == 2
    assert DBTaskResult.objects.count() == 1


def test_delivery_sends_once_even_when_run_twice(
    zhangsan: User, _sms_to_a_temporary_log: LogSmsGateway
) -> None:
    _inbox, sms = notify(
        recipients=[zhangsan], subject="申请已受理", body="", channel_names=["sms"]
    )
    assert notification_deliver(notification_id=sms.pk) == "sent"
    assert notification_deliver(notification_id=sms.pk) == "skipped"
    assert _sms_to_a_temporary_log.sent_ids() == {f"notification-{sms.pk}"}
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 1


def test_a_channel_that_is_down_is_retried_with_backoff_then_given_up(
    zhangsan: User, down: None
) -> None:
    _inbox, sms = notify(
        recipients=[zhangsan], subject="申请已受理", body="", channel_names=["sms"]
    )
    started = timezone.now()
    assert notification_deliver(notification_id=sms.pk) == "retry"
    sms.refresh_from_db()
    assert sms.status == "pending" and "gateway down" in sms.last_error
    retry_job = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry_job is not None and retry_job.run_after is not None
    assert retry_job.run_after >= started + dt.timedelta(seconds=BACKOFF_SECONDS[0])
    for _ in range(len(BACKOFF_SECONDS) - 1):
        assert notification_deliver(notification_id=sms.pk) == "retry"
    assert notification_deliver(notification_id=sms.pk) == "failed"
    assert sum(BACKOFF_SECONDS) >= 4 * 3600


def test_a_claim_left_by_a_killed_worker_is_taken_over_after_the_timeout(
    zhangsan: User, _sms_to_a_temporary_log: LogSmsGateway
) -> None:
    _inbox, sms = notify(
        recipients=[zhangsan], subject="申请已受理", body="", channel_names=["sms"]
    )
    Notification.objects.filter(pk=sms.pk).update(status="sending", claimed_at=timezone.now())
    assert notification_deliver(notification_id=sms.pk) == "skipped"  # still someone's
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Notification.objects.filter(pk=sms.pk).update(claimed_at=long_ago)
    assert notification_requeue_stale() == 1
    assert notification_deliver(notification_id=sms.pk) == "sent"


class BrokenGateway(SmsGateway):
    def send(self, *, phone: str, text: str, client_id: str) -> None:
        raise ValueError("a bug, not an outage")


def test_only_an_outage_is_retried_a_bug_surfaces_and_the_sweep_picks_the_row_up(
    zhangsan: User,
) -> None:
    previous = channels.get("sms")
    channels.register("sms", SmsChannel(BrokenGateway()), replace=True)
    try:
        _inbox, sms = notify(
            recipients=[zhangsan], subject="申请已受理", body="", channel_names=["sms"]
        )
        with pytest.raises(ValueError, match="a bug"):
            notification_deliver(notification_id=sms.pk)
    finally:
        channels.register("sms", previous, replace=True)
    sms.refresh_from_db()
    assert sms.status == "sending" and sms.last_error == ""  # nothing pretends it retried
    Notification.objects.filter(pk=sms.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert notification_requeue_stale() == 1
    assert notification_deliver(notification_id=sms.pk) == "sent"
