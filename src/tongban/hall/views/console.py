"""The window console page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.core.links import public_url
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.forms.pdf import form_pdf
from tongban.forms.personal import form_data_masked
from tongban.forms.services import filled_form_read, item_form
from tongban.forms.values import display_value
from tongban.hall import presenters, selectors
from tongban.hall.models import QueueCategory, Window
from tongban.hall.services import console

# --- the window console ------------------------------------------------------------------------


@login_required
def console_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
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
        "caller_cases": selectors.caller_cases(current["id"]) if current else [],
        "caller_appointments": [
            presenters.appointment_out(a) for a in selectors.caller_appointments(current["id"])
        ]
        if current
        else [],
        **_kiosk_form(request, user),
    }
    return render(request, "hall/console.html", context)


def _kiosk_form(request: HttpRequest, user: User) -> dict[str, Any]:
    """A form the person filled at a kiosk, fetched by its reference (audited)."""
    reference = request.GET.get("form", "").strip()
    if not reference:
        return {}
    try:
        filled = filled_form_read(reader=user, reference=reference)
    except PermissionDenied as exc:
        return {"form_error": str(exc), "form_reference": reference}
    if filled is None:
        return {
            "form_error": f"没有编号为“{reference}”的申请表（保存30天）",
            "form_reference": reference,
        }
    schema = item_form(filled.item)
    # Read on screen masked; printed whole for the person to sign (the read is audited).
    data = form_data_masked(schema, filled.data)
    rows = [
        (
            title,
            [
                (f.label, display_value(f, data.get(f.key, "")))
                for f in fields
                if f.type not in ("file", "table")
            ],
        )
        for title, fields in schema.sections
    ]
    return {"filled": filled, "filled_rows": rows, "form_reference": reference}


@login_required
def console_form_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """Print a kiosk-filled form at the window."""
    user = request_user(request)
    filled = filled_form_read(reader=user, reference=reference)
    if filled is None:
        raise Http404("没有这个编号的申请表")
    pdf = form_pdf(
        filled.item,
        filled.data,
        filled.situations,
        reference=filled.reference,
        link_url=public_url(request, reverse("catalog:item_guide", args=[filled.item.code])),
        link_label="扫码查看办事指南",
    )
    return HttpResponse(pdf, content_type="application/pdf")


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
    user = request_user(request)
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
            elif action == "finish" and hasattr(result.window, "rating_pad"):
                # Finishing is the pad's invitation: it now offers this service for rating.
                messages.success(request, "已办结，窗口评价器已邀请办事人评价")
            else:
                messages.success(request, done)
        else:
            raise Http404("未知操作")
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
    return redirect("hall:console")
