"""The window console page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.steps import CaseConflict
from tongban.hall import presenters, selectors
from tongban.hall.models import QueueCategory, Window
from tongban.hall.services import HallConflict, console
from tongban.hall.views.common import error_text

# --- the window console ------------------------------------------------------------------------


@login_required
def console_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    state = presenters.console_out(user)
    session = selectors.open_session(user.pk)
    windows = selectors.windows_for_staff(user.pk) if session is None else []
    hall = session.window.hall if session else None
    current = state["current"]
    context: dict[str, Any] = {
        "state": state,
        "windows": windows,
        "categories": hall.categories.filter(active=True) if hall else [],
        "other_windows": hall.windows.filter(active=True).exclude(pk=session.window_id)
        if hall and session
        else [],
        "open_cases": selectors.cases_awaiting_acceptance(current["id"]) if current else [],
    }
    return render(request, "hall/console.html", context)


CONSOLE_ACTIONS: dict[str, tuple[str, Callable[[User, int, HttpRequest], Any]]] = {
    "call": ("已叫号", lambda u, t, r: console.ticket_call_next(user=u)),
    "recall": ("已重呼", lambda u, t, r: console.ticket_recall(user=u, ticket_id=t)),
    "start": ("开始办理", lambda u, t, r: console.ticket_start(user=u, ticket_id=t)),
    "finish": ("已办结", lambda u, t, r: console.ticket_finish(user=u, ticket_id=t)),
    "no_show": ("已标记过号", lambda u, t, r: console.ticket_no_show(user=u, ticket_id=t)),
    "transfer": (
        "已转移",
        lambda u, t, r: console.ticket_transfer(
            user=u,
            ticket_id=t,
            category=QueueCategory.objects.filter(pk=r.POST.get("category") or 0).first(),
            target=Window.objects.filter(pk=r.POST.get("window") or 0).first(),
        ),
    ),
    "accept_case": (
        "已受理并关联本号，计入一次到现场",
        lambda u, t, r: console.ticket_accept_case(user=u, ticket_id=t, case=_case_ref(r)),
    ),
    "link_case": (
        "已关联办件，计入一次到现场",
        lambda u, t, r: console.ticket_link_case(user=u, ticket_id=t, case=_case_ref(r)),
    ),
    "sign_out": ("已签退", lambda u, t, r: console.window_sign_out(user=u)),
}


def _case_ref(request: HttpRequest) -> Case:
    ref = str(request.POST.get("case", ""))
    case = selectors.case_by_ref(ref)
    if case is None:
        raise ValidationError({"case": [f"办件“{ref}”不存在"]})
    return case


@login_required
@require_POST
def console_act(request: HttpRequest, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    try:
        if action == "sign_in":
            window = Window.objects.select_related("hall").filter(
                pk=request.POST.get("window") or 0
            )
            if not window.exists():
                raise ValidationError({"window": ["请选择窗口"]})
            console.window_sign_in(user=user, window=window.get())
            messages.success(request, "已签到")
        elif action in CONSOLE_ACTIONS:
            done, step = CONSOLE_ACTIONS[action]
            ticket_id = int(request.POST.get("ticket") or 0)
            result = step(user, ticket_id, request)
            if action == "call" and result is None:
                messages.info(request, "当前没有等候的号")
            else:
                messages.success(request, done)
        else:
            raise Http404("未知操作")
    except (HallConflict, CaseConflict, ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("hall:console")
