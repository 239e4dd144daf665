"""Hall pages: the hall list and remote tickets, a ticket followed on a phone, the kiosk and
the display board (device sessions), the board's live event stream, and the window console."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.accounts.models import DeviceIdentity, User
from tongban.accounts.services import device_authenticate
from tongban.cases.models import Case
from tongban.cases.services.steps import CaseConflict
from tongban.core.pdf import render_pdf
from tongban.hall import analysis, presenters, selectors
from tongban.hall.live import hub
from tongban.hall.models import AppointmentSlot, Hall, QueueCategory, Ticket, Window
from tongban.hall.services import HallConflict, appointments, console
from tongban.hall.services.tickets import ticket_issue

DEVICE_SESSION_KEY = "hall_device_id"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return str(exc)


# --- people -----------------------------------------------------------------------------------


def halls(request: HttpRequest) -> HttpResponse:
    rows = [presenters.hall_out(h) for h in Hall.objects.filter(active=True).order_by("code")]
    return render(request, "hall/halls.html", {"halls": rows})


def hall_page(request: HttpRequest, code: str) -> HttpResponse:
    hall = selectors.hall_by_code(code)
    if hall is None or not hall.active:
        raise Http404("大厅不存在")
    return render(request, "hall/hall.html", {"hall": hall, "out": presenters.hall_out(hall)})


@login_required
@require_POST
def remote_ticket(request: HttpRequest, code: str) -> HttpResponse:
    hall = selectors.hall_by_code(code)
    category = QueueCategory.objects.filter(hall=hall, pk=request.POST.get("category") or 0).first()
    if hall is None or category is None:
        raise Http404("排队类别不存在")
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    try:
        ticket = ticket_issue(
            hall=hall,
            category=category,
            source=Ticket.Source.REMOTE,
            applicant=user,
            priority=request.POST.get("priority", ""),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except (HallConflict, ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("hall:hall", code=code)
    return redirect("hall:ticket", token=presenters.ticket_token(ticket))


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    ticket = presenters.ticket_from_token(token)
    if ticket is None:
        raise Http404("排队号不存在或链接已失效")
    template = "hall/_ticket.html" if request.headers.get("HX-Request") else "hall/ticket.html"
    return render(request, template, {"t": presenters.ticket_out(ticket), "token": token})


def _signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    return user


@login_required
def book_page(request: HttpRequest, code: str) -> HttpResponse:
    hall = selectors.hall_by_code(code)
    category = QueueCategory.objects.filter(
        hall=hall, pk=request.GET.get("category") or request.POST.get("category") or 0
    ).first()
    if hall is None or category is None:
        raise Http404("排队类别不存在")
    if request.method == "POST":
        slot = AppointmentSlot.objects.filter(
            category=category, pk=request.POST.get("slot") or 0
        ).first()
        try:
            if slot is None:
                raise ValidationError({"slot": ["请选择预约时段"]})
            appointments.appointment_book(
                applicant=_signed_in(request),
                slot=slot,
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except (HallConflict, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "预约成功，签到码已发到您的消息中心")
            return redirect("hall:appointments")
    days: dict[Any, list[AppointmentSlot]] = {}
    for slot in selectors.open_slots(hall, category.pk):
        days.setdefault(slot.day, []).append(slot)
    return render(
        request,
        "hall/book.html",
        {"hall": hall, "category": category, "days": days, "idempotency_key": uuid.uuid4().hex},
    )


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if request.method == "POST":
        appointment = (
            selectors.appointments_of(user.pk)
            .filter(pk=request.POST.get("appointment") or 0)
            .first()
        )
        if appointment is None:
            raise Http404("预约不存在")
        try:
            if request.POST.get("action") == "cancel":
                appointments.appointment_cancel(applicant=user, appointment=appointment)
                messages.success(request, "已取消预约")
            else:
                ticket = appointments.appointment_check_in(appointment=appointment, applicant=user)
                return redirect("hall:ticket", token=presenters.ticket_token(ticket))
        except (HallConflict, ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        return redirect("hall:appointments")
    rows = [presenters.appointment_out(a) for a in selectors.appointments_of(user.pk)[:30]]
    return render(request, "hall/appointments.html", {"appointments": rows})


# --- devices: kiosk and display board ----------------------------------------------------------


def _device(request: HttpRequest, kind: str) -> tuple[DeviceIdentity, Hall] | None:
    device_id = request.session.get(DEVICE_SESSION_KEY)
    if not device_id:
        return None
    device = DeviceIdentity.objects.filter(pk=device_id).first()
    if device is None or not device.is_active or device.kind != kind:
        request.session.pop(DEVICE_SESSION_KEY, None)
        return None
    hall = selectors.hall_for_device(device.pk)
    return (device, hall) if hall is not None else None


def device_sign_in(request: HttpRequest) -> HttpResponse:
    """A kiosk or board is set up once with its key; its browser session then stands for it."""
    error = ""
    if request.method == "POST":
        device = device_authenticate(request.POST.get("key", ""))
        if device is None:
            error = "设备密钥无效或已吊销"
        elif device.kind not in (DeviceIdentity.Kind.KIOSK, DeviceIdentity.Kind.DISPLAY):
            error = "该设备不是取号机或叫号屏"
        elif selectors.hall_for_device(device.pk) is None:
            error = "该设备尚未分配到大厅"
        else:
            request.session.cycle_key()
            request.session[DEVICE_SESSION_KEY] = device.pk
            target = "hall:kiosk" if device.kind == DeviceIdentity.Kind.KIOSK else "hall:board"
            return redirect(target)
    status = 401 if error else 200
    return render(request, "hall/device_sign_in.html", {"error": error}, status=status)


def kiosk(request: HttpRequest) -> HttpResponse:
    post = _device(request, DeviceIdentity.Kind.KIOSK)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    ticket_view = None
    if request.method == "POST" and request.POST.get("check_in_code"):
        appointment = appointments.appointment_by_code(hall, request.POST["check_in_code"])
        try:
            if appointment is None:
                raise ValidationError({"code": ["签到码无效（只能签到本大厅今天的预约）"]})
            ticket_view = presenters.ticket_out(
                appointments.appointment_check_in(appointment=appointment, device=device)
            )
        except (HallConflict, ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
    elif request.method == "POST":
        category = QueueCategory.objects.filter(
            hall=hall, pk=request.POST.get("category") or 0
        ).first()
        if category is None:
            messages.error(request, "请选择排队类别")
        else:
            try:
                ticket = ticket_issue(
                    hall=hall,
                    category=category,
                    source=Ticket.Source.KIOSK,
                    device=device,
                    priority=request.POST.get("priority", ""),
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
                ticket_view = presenters.ticket_out(ticket)
            except (HallConflict, ValidationError, PermissionDenied) as exc:
                messages.error(request, _error_text(exc))
    return render(
        request,
        "hall/kiosk.html",
        {
            "hall": hall,
            "out": presenters.hall_out(hall),
            "ticket": ticket_view,
            "qr": presenters.qr_data_uri(request.build_absolute_uri(ticket_view["follow_url"]))
            if ticket_view
            else "",
            "idempotency_key": uuid.uuid4().hex,
        },
    )


def _board_hall(request: HttpRequest) -> Hall | None:
    post = _device(request, DeviceIdentity.Kind.DISPLAY)
    if post is not None:
        return post[1]
    code = request.GET.get("hall", "")
    hall = selectors.hall_by_code(code) if code else None
    user = request.user
    if hall is not None and user.is_authenticated and user.has_perm("hall.manage_hall", hall):
        return hall  # a manager previews the board
    return None


def board(request: HttpRequest) -> HttpResponse:
    hall = _board_hall(request)
    if hall is None:
        return redirect("hall:device")
    calls = [presenters.call_out(e) for e in selectors.recent_calls(hall)]
    return render(
        request,
        "hall/board.html",
        {
            "hall": hall,
            "calls": calls,
            "last_id": selectors.latest_event_id(hall),
            "events_url": reverse("hall:board_events") + f"?hall={hall.code}",
        },
    )


def _sse(event_id: int | None, kind: str, data: dict[str, Any]) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    body = json.dumps(data, ensure_ascii=False, default=str)
    return f"{head}event: {kind}\ndata: {body}\n\n"


def board_events(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events: every call and recall in the hall, in order. A reconnecting board
    sends Last-Event-ID (the browser does it) and gets what it missed first."""
    hall = _board_hall(request)
    if hall is None:
        return HttpResponse("设备未登记或已吊销", status=403, content_type="text/plain")
    device_id = request.session.get(DEVICE_SESSION_KEY)
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_id") or ""
    last = int(raw) if raw.isdigit() else selectors.latest_event_id(hall)
    max_seconds = settings.HALL_STREAM_MAX_SECONDS

    def stream() -> Iterator[str]:
        nonlocal last
        yield "retry: 1000\n\n"
        known = last
        ends = time.monotonic() + max_seconds
        while time.monotonic() < ends:
            for event in selectors.events_after(hall, last):
                last = event.pk
                yield _sse(event.pk, "call", presenters.call_out(event))
            known = max(known, last)
            newest = hub.wait_beyond(known, timeout=settings.HALL_STREAM_KEEPALIVE_SECONDS)
            if newest > known:
                known = newest
                continue
            if (
                device_id
                and not DeviceIdentity.objects.filter(
                    pk=device_id, revoked_at__isnull=True
                ).exists()
            ):
                yield _sse(None, "revoked", {"detail": "设备密钥已吊销"})
                return
            yield ": keep-alive\n\n"

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response


# --- the hall's analysis -------------------------------------------------------------------------


def _analysis_hall(request: HttpRequest, code: str) -> tuple[Hall, dt.date]:
    hall = selectors.hall_by_code(code)
    if hall is None:
        raise Http404("大厅不存在")
    if not request.user.has_perm("hall.view_analysis", hall):
        raise PermissionDenied("只有本大厅的管理员可以查看大厅分析")
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else selectors.latest_day(hall)
    except ValueError as exc:
        raise ValidationError({"day": ["日期格式应为 YYYY-MM-DD"]}) from exc
    return hall, day


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    try:
        hall, day = _analysis_hall(request, code)
    except ValidationError as exc:
        return HttpResponse(_error_text(exc), status=400, content_type="text/plain")
    figures = analysis.hall_day_figures(hall, day)
    chart = {
        "hours": [f"{row['hour']}时" for row in figures["by_hour"]],
        "arrivals": [row["arrivals"] for row in figures["by_hour"]],
        "wait": [
            round(row["wait_mean"], 1) if row["wait_mean"] is not None else None
            for row in figures["by_hour"]
        ],
    }
    return render(
        request,
        "hall/dashboard.html",
        {"hall": hall, "day": day, "f": figures, "chart": chart},
    )


@login_required
def daily_report(request: HttpRequest, code: str) -> HttpResponse:
    try:
        hall, day = _analysis_hall(request, code)
    except ValidationError as exc:
        return HttpResponse(_error_text(exc), status=400, content_type="text/plain")
    figures = analysis.hall_day_figures(hall, day)
    pdf = render_pdf(
        "hall/report_pdf.html",
        {"hall": hall, "day": day, "f": figures, "generated_at": timezone.localtime()},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hall-{hall.code}-{day}.pdf"'
    return response


# --- the window console ------------------------------------------------------------------------


@login_required
def console_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    state = presenters.console_out(user)
    session = selectors.open_session(user.pk)
    windows = (
        Window.objects.select_related("hall")
        .filter(Q(hall__staff=user) | Q(hall__managers=user), active=True)
        .distinct()
        .order_by("hall_id", "number")
        if session is None
        else []
    )
    hall = session.window.hall if session else None
    current = state["current"]
    context: dict[str, Any] = {
        "state": state,
        "windows": list(windows),
        "categories": hall.categories.filter(active=True) if hall else [],
        "other_windows": hall.windows.filter(active=True).exclude(pk=session.window_id)
        if hall and session
        else [],
        "open_cases": _open_cases(current) if current else [],
    }
    return render(request, "hall/console.html", context)


def _open_cases(current: dict[str, Any]) -> list[Case]:
    ticket = Ticket.objects.filter(pk=current["id"]).first()
    if ticket is None or ticket.applicant_id is None:
        return []
    return list(
        Case.objects.select_related("item")
        .filter(applicant_id=ticket.applicant_id, state__in=("submitted", "pre_review"))
        .order_by("-created_at")[:5]
    )


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
    ref = str(request.POST.get("case", "")).strip()
    case = Case.objects.filter(number=ref).first() if ref else None
    if case is None and ref.isdigit():
        case = Case.objects.filter(pk=int(ref)).first()
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
        messages.error(request, _error_text(exc))
    return redirect("hall:console")
