"""Pages for people: halls and remote tickets, a ticket on a phone, appointments."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.catalog import selectors as catalog_selectors
from tongban.core.links import public_url
from tongban.core.pagecache import public_page
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.hall import presenters, selectors
from tongban.hall.models import AppointmentSlot, Hall, QueueCategory, Ticket
from tongban.hall.services import appointments
from tongban.hall.services.tickets import ticket_issue

# --- people -----------------------------------------------------------------------------------


# The waiting figures are live: at most 5 seconds old for an anonymous visitor.
@public_page(seconds=5)
def halls(request: HttpRequest) -> HttpResponse:
    rows = [presenters.hall_out(h) for h in Hall.objects.filter(active=True).order_by("code")]
    return render(request, "hall/halls.html", {"halls": rows})


def hall_page(request: HttpRequest, code: str) -> HttpResponse:
    hall = selectors.hall_by_code(code)
    if hall is None or not hall.active:
        raise Http404("大厅不存在")
    # The QR code printed at the hall's entrance: scan, sign in, take a ticket remotely.
    qr = presenters.qr_data_uri(public_url(request, request.path))
    return render(
        request, "hall/hall.html", {"hall": hall, "out": presenters.hall_out(hall), "qr": qr}
    )


@login_required
@require_POST
def remote_ticket(request: HttpRequest, code: str) -> HttpResponse:
    hall = selectors.hall_by_code(code)
    category = QueueCategory.objects.filter(hall=hall, pk=request.POST.get("category") or 0).first()
    if hall is None or category is None:
        raise Http404("排队类别不存在")
    user = request_user(request)
    try:
        ticket = ticket_issue(
            hall=hall,
            category=category,
            source=Ticket.Source.REMOTE,
            applicant=user,
            priority=request.POST.get("priority", ""),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
        return redirect("hall:hall", code=code)
    return redirect("hall:ticket", token=presenters.ticket_token(ticket))


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    ticket = presenters.ticket_from_token(token)
    if ticket is None:
        raise Http404("排队号不存在或链接已失效")
    template = "hall/_ticket.html" if request.headers.get("HX-Request") else "hall/ticket.html"
    return render(request, template, {"t": presenters.ticket_out(ticket), "token": token})


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
            if request.POST.get("confirm") != "1":
                return _book_confirm(request, hall, category, slot)
            appointments.appointment_book(
                applicant=request_user(request),
                slot=slot,
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except PAGE_REFUSALS as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, "预约成功，签到码已发到您的消息中心")
            return redirect("hall:appointments")
    days = presenters.slots_by_day(selectors.open_slots(hall, category.pk))
    page = {"hall": hall, "category": category, "days": days, "idempotency_key": uuid.uuid4().hex}
    return render(request, "hall/book.html", page)


def _book_confirm(
    request: HttpRequest, hall: Hall, category: QueueCategory, slot: AppointmentSlot
) -> HttpResponse:
    """The step before booking: the date, the time, the category and what to bring."""
    page = {
        "hall": hall,
        "category": category,
        "slot": slot,
        "items": list(catalog_selectors.published_items().filter(code__in=category.item_codes)),
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
    }
    return render(request, "hall/book_confirm.html", page)


@login_required
def my_appointments(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
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
        except PAGE_REFUSALS as exc:
            messages.error(request, refusal_text(exc))
        return redirect("hall:appointments")
    rows = [presenters.appointment_out(a) for a in selectors.appointments_of(user.pk)[:30]]
    return render(request, "hall/appointments.html", {"appointments": rows})
