"""The message centre's page: the person's messages, newest first, unread marked; opening a
message marks it read and leads to what it is about."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.notify.inbox import (
    inbox,
    inbox_mark_all_read,
    inbox_mark_read,
    message_link,
    unread_count,
)
from tongban.notify.models import Notification


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox(user, unread_only=unread_only), 20).get_page(request.GET.get("page"))
    rows = [{"message": m, "link": message_link(user, m.ref)} for m in page]
    return render(
        request,
        "notify/messages.html",
        {"page": page, "rows": rows, "unread": unread_count(user), "unread_only": unread_only},
    )


@login_required
@require_POST
def message_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    user = request_user(request)
    inbox_mark_read(user=user, notification_id=notification_id)
    message = Notification.objects.filter(pk=notification_id, recipient=user).first()
    link = message_link(user, message.ref) if message is not None else ""
    return redirect(link or "notify:messages")


@login_required
@require_POST
def message_read_all(request: HttpRequest) -> HttpResponse:
    count = inbox_mark_all_read(user=request_user(request))
    flash.success(request, f"已将{count}条消息标为已读")
    return redirect("notify:messages")
