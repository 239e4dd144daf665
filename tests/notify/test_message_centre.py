"""The message centre: every notification lands in the person's inbox first; the header
counts the unread; a person reads and marks only their own messages."""

from __future__ import annotations

from django.test import Client

from tongban.accounts.models import User
from tongban.notify.models import Notification
from tongban.notify.services import notify


def test_every_notification_lands_in_the_inbox_whatever_else_carries_it(zhangsan: User) -> None:
    rows = notify(recipients=[zhangsan], subject="取件码", body="……", channel_names=["sms"])
    assert [r.channel for r in rows] == ["inbox", "sms"]


def test_the_page_lists_counts_and_marks_read(zhangsan: User) -> None:
    notify(recipients=[zhangsan], subject="申请已受理", body="您的申请已受理", ref="case:999999")
    notify(recipients=[zhangsan], subject="预约成功", body="签到码 123456")
    client = Client()
    client.force_login(zhangsan)
    page = client.get("/messages/").content.decode()
    assert 'data-testid="unread-count"' in page and "申请已受理" in page and "签到码 123456" in page
    first = Notification.objects.filter(channel="inbox", subject="申请已受理").get()
    opened = client.post(f"/messages/{first.pk}/open/")
    assert opened.status_code == 302 and opened["Location"].endswith("/999999/")
    assert client.get("/api/messages/unread").json() == {"unread": 1}
    client.post("/messages/read-all/")
    assert client.get("/api/messages/unread").json() == {"unread": 0}
    assert 'data-testid="unread-count"' not in client.get("/messages/").content.decode()


def test_a_person_reads_only_their_own_messages(zhangsan: User, lisi: User) -> None:
    (mine,) = [
        r for r in notify(recipients=[zhangsan], subject="私人", body="…") if r.channel == "inbox"
    ]
    client = Client()
    client.force_login(lisi)
    assert client.post(f"/api/messages/{mine.pk}/read").status_code == 404
    assert client.get("/api/messages").json()["count"] == 0
    client.post(f"/messages/{mine.pk}/open/")
    mine.refresh_from_db()
    assert mine.read_at is None
    assert Client().get("/api/messages").status_code == 401
