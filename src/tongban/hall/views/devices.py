"""The kiosk and the display board (device sessions) and the board's live event stream."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.services import device_authenticate
from tongban.core.device_language import (
    device_language,
    device_language_choose,
    device_language_reset,
)
from tongban.core.links import public_url
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.guide.models import GuideQuery
from tongban.guide.views import ask_page
from tongban.hall import presenters, selectors
from tongban.hall.board_stream import board_stream
from tongban.hall.models import Hall, QueueCategory, Ticket
from tongban.hall.services import appointments
from tongban.hall.services.printing import kiosk_print_ticket
from tongban.hall.services.tickets import ticket_issue
from tongban.hall.views.common import DEVICE_SESSION_KEY
from tongban.hall.views.printout import printout_forget

# --- devices: kiosk and display board ----------------------------------------------------------


def _device(request: HttpRequest, kind: str) -> tuple[DeviceIdentity, Hall] | None:
    device_id = request.session.get(DEVICE_SESSION_KEY)
    device_id = device_id if isinstance(device_id, int) else None
    if not device_id:
        return None
    device = DeviceIdentity.objects.filter(pk=device_id).first()
    if device is None or not device.is_active or device.kind != kind:
        request.session.pop(DEVICE_SESSION_KEY, None)
        return None
    hall = selectors.hall_for_device(device.pk)
    return (device, hall) if hall is not None else None


@device_language
def device_sign_in(request: HttpRequest) -> HttpResponse:
    """A kiosk or board is set up once with its key; its browser session then stands for it."""
    error = ""
    if request.method == "POST":
        device = device_authenticate(request.POST.get("key", ""))
        if device is None:
            error = "设备密钥无效或已吊销"
        elif device.kind == DeviceIdentity.Kind.LOCKER:
            # A locker bank stands wherever its place is, not necessarily in a hall.
            if not hasattr(device, "locker_bank"):
                error = "该信包箱设备尚未登记格口"
            else:
                request.session.cycle_key()
                request.session[DEVICE_SESSION_KEY] = device.pk
                return redirect("delivery:locker")
        elif device.kind == DeviceIdentity.Kind.RATING_PAD:
            # A rating pad stands at one window (the ratings app keeps where).
            if not hasattr(device, "rating_pad"):
                error = "该评价器尚未分配到窗口"
            else:
                request.session.cycle_key()
                request.session[DEVICE_SESSION_KEY] = device.pk
                return redirect("ratings:pad")
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


def kiosk_device(request: HttpRequest) -> tuple[DeviceIdentity, Hall] | None:
    """The kiosk this browser session stands for, if it is still an active kiosk of a hall."""
    return _device(request, DeviceIdentity.Kind.KIOSK)


def kiosk_ask(request: HttpRequest) -> HttpResponse:
    """数小二 on the kiosk: the same conversation, large keys, no sign-in, nothing kept."""
    if kiosk_device(request) is None:
        return redirect("hall:device")
    return ask_page(
        request, template="hall/device_base.html", channel=GuideQuery.Channel.KIOSK, kiosk=True
    )


def _kiosk_check_in(request: HttpRequest, hall: Hall, device: DeviceIdentity) -> Ticket:
    appointment = appointments.appointment_by_code(
        hall, request.POST.get("check_in_code", ""), device=device
    )
    if appointment is None:
        raise ValidationError({"code": ["签到码无效（只能签到本大厅今天的预约）"]})
    return appointments.appointment_check_in(appointment=appointment, device=device)


def _kiosk_ticket(request: HttpRequest, hall: Hall, device: DeviceIdentity) -> Ticket:
    category = QueueCategory.objects.filter(hall=hall, pk=request.POST.get("category") or 0)
    if not category.exists():
        raise ValidationError({"category": ["请选择排队类别"]})
    return ticket_issue(
        hall=hall,
        category=category.get(),
        source=Ticket.Source.KIOSK,
        device=device,
        priority=request.POST.get("priority", ""),
        idempotency_key=request.POST.get("idempotency_key") or None,
    )


def _print_ticket(
    request: HttpRequest, device: DeviceIdentity, ticket: Ticket, shown: dict[str, Any]
) -> str:
    """The ticket on the kiosk's receipt printer: 'printer', 'browser' (the page prints
    itself), or 'failed' (the ticket stands; the person follows it by the QR code)."""
    follow = public_url(request, shown["follow_url"])
    try:
        job = kiosk_print_ticket(device, ticket, ahead=shown["ahead"], follow_url=follow)
    except PAGE_REFUSALS as exc:
        messages.warning(request, refusal_text(exc) + "；请用手机扫描屏幕上的二维码查看排队进度")
        return "failed"
    return "browser" if job is None else "printer"


@device_language
def kiosk(request: HttpRequest) -> HttpResponse:
    """The touch kiosk: a ticket by category, or an appointment checked in by its code."""
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    shown, printed = None, None
    if request.method == "POST":
        take = _kiosk_check_in if request.POST.get("check_in_code") else _kiosk_ticket
        try:
            ticket = take(request, hall, device)
        except PAGE_REFUSALS as exc:
            messages.error(request, refusal_text(exc))
        else:
            shown = presenters.ticket_out(ticket)
            printed = _print_ticket(request, device, ticket, shown)
    qr = presenters.qr_data_uri(public_url(request, shown["follow_url"])) if shown else ""
    response = render(
        request,
        "hall/kiosk.html",
        {
            "hall": hall,
            "out": presenters.hall_out(hall),
            "ticket": shown,
            "printed": printed,
            "qr": qr,
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    if shown:
        device_language_reset(request)  # the next person starts in the hall's language
    return response


@require_POST
def kiosk_language(request: HttpRequest) -> HttpResponse:
    """One person switches a shared device's language; it resets when the kiosk starts over."""
    device_language_choose(request, request.POST.get("language", ""))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("hall:kiosk")
    return redirect(target)


def kiosk_start(request: HttpRequest) -> HttpResponse:
    """The kiosk starts over for the next person (after a minute without a touch, or 完成)."""
    device_language_reset(request)
    printout_forget(request)
    return redirect("hall:kiosk")


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


@device_language
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
            "time_zone": settings.TIME_ZONE,
            "events_url": reverse("hall:board_events") + f"?hall={hall.code}",
        },
    )


@device_language
def board_events(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events: every call and recall in the hall, in order. A reconnecting board
    sends Last-Event-ID (the browser does it) and gets what it missed first."""
    hall = _board_hall(request)
    if hall is None:
        return HttpResponse("设备未登记或已吊销", status=403, content_type="text/plain")
    device_id = request.session.get(DEVICE_SESSION_KEY)
    device_id = device_id if isinstance(device_id, int) else None
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_id") or ""
    last = int(raw) if raw.isdigit() else selectors.latest_event_id(hall)
    stream = board_stream(hall, last=last, device_id=device_id)
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response
