"""The window's rating pad (评价器, `/hall/rate/`): a device identity standing at one window.
It shows who serves there (name and 工号); when the clerk finishes a ticket, it offers that
service for rating: one tap on a level, with optional indicators, a reason and anonymity."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from tongban.accounts.models import DeviceIdentity
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.hall.models import WindowSession
from tongban.hall.views.common import DEVICE_SESSION_KEY
from tongban.ratings import presenters
from tongban.ratings.models import RatingPad
from tongban.ratings.services.rating import pad_ticket, rating_pad


def _pad(request: HttpRequest) -> RatingPad | None:
    device_id = request.session.get(DEVICE_SESSION_KEY)
    if not isinstance(device_id, int):
        return None
    pad = (
        RatingPad.objects.select_related("device", "window__hall")
        .filter(device_id=device_id)
        .first()
    )
    if pad is None or not pad.device.is_active or pad.device.kind != DeviceIdentity.Kind.RATING_PAD:
        request.session.pop(DEVICE_SESSION_KEY, None)
        return None
    return pad


def _clerk(pad: RatingPad) -> dict[str, str] | None:
    session = (
        WindowSession.objects.filter(window_id=pad.window_id, ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if session is None:
        return None
    user = session.user
    return {"name": user.real_name or user.username, "number": user.staff_number or ""}


def _rate(request: HttpRequest, pad: RatingPad) -> None:
    try:
        rating_pad(
            device=pad.device,
            ticket_id=request.POST.get("ticket"),
            level=request.POST.get("level"),
            indicators={
                k.removeprefix("ind_"): v for k, v in request.POST.items() if k.startswith("ind_")
            },
            reason=request.POST.get("reason", ""),
            anonymous=request.POST.get("anonymous") == "1",
        )
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
    else:
        messages.success(request, "感谢您的评价！")


@never_cache
def pad_page(request: HttpRequest) -> HttpResponse:
    pad = _pad(request)
    if pad is None:
        return redirect("hall:device")
    if request.method == "POST":
        _rate(request, pad)
        return redirect("ratings:pad")
    ticket = pad_ticket(pad)
    return render(
        request,
        "ratings/pad.html",
        {
            "pad": pad,
            "window": pad.window,
            "hall": pad.window.hall,
            "clerk": _clerk(pad),
            "ticket": ticket,
            "named": ticket is not None
            and (ticket.applicant_id is not None or ticket.case_links.exists()),
            "levels": presenters.LEVELS,
            "indicator_fields": presenters.indicator_fields("visit"),
        },
    )


@never_cache
def pad_state(request: HttpRequest) -> JsonResponse:
    """What the pad polls: the ticket it should offer now (none: it shows the clerk)."""
    pad = _pad(request)
    if pad is None:
        return JsonResponse({"error": "设备未登记或已吊销"}, status=403)
    ticket = pad_ticket(pad)
    return JsonResponse({"ticket": ticket.pk if ticket else None})
