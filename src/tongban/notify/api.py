"""The message centre's API: the person's own messages, the unread count, marking read."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import SessionAuth

from tongban.accounts.requests import request_user
from tongban.core.api_types import ObjectId, Offset
from tongban.notify.inbox import (
    inbox,
    inbox_mark_all_read,
    inbox_mark_read,
    message_link,
    unread_count,
)
from tongban.notify.models import Notification
from tongban.notify.schemas import MessagePageOut, UnreadOut

router = Router(tags=["消息中心 messages"], auth=SessionAuth())


@router.get("", response=MessagePageOut, summary="我的消息")
def messages(
    request: HttpRequest, unread: bool = False, offset: Offset = 0, limit: int = 20
) -> dict[str, Any]:
    user = request_user(request)
    rows = inbox(user, unread_only=unread)
    limit = max(1, min(limit, 100))
    page = list(rows[offset : offset + limit])
    return {
        "unread": unread_count(user),
        "count": rows.count(),
        "items": [
            {
                "id": m.pk,
                "subject": m.subject,
                "body": m.body,
                "ref": m.ref,
                "link": message_link(user, m.ref),
                "created_at": m.created_at,
                "read_at": m.read_at,
            }
            for m in page
        ],
    }


@router.get("/unread", response=UnreadOut, summary="未读消息数")
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": unread_count(request_user(request))}


@router.post("/{message_id}/read", response=UnreadOut, summary="标为已读")
def read(request: HttpRequest, message_id: ObjectId) -> dict[str, int]:
    user = request_user(request)
    if not Notification.objects.filter(pk=message_id, recipient=user, channel="inbox").exists():
        raise Http404("消息不存在")
    inbox_mark_read(user=user, notification_id=message_id)
    return {"unread": unread_count(user)}


@router.post("/read-all", response=UnreadOut, summary="全部标为已读")
def read_all(request: HttpRequest) -> dict[str, int]:
    user = request_user(request)
    inbox_mark_all_read(user=user)
    return {"unread": 0}
