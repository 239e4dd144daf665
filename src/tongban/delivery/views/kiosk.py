"""证照打印 on the hall kiosk (`/hall/kiosk/certificates/`): read the ID card, choose a
certificate, print it with its verification QR; the identity is forgotten after each print
and after two minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.core.device_language import device_language
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.delivery.identity import read_identity
from tongban.delivery.services.printing import certificate_kiosk_print, printable_certificates
from tongban.hall.views.devices import kiosk_device
from tongban.hall.views.printout import kiosk_pdf_print

PRINT_SESSION_KEY = "kiosk_print"
IDENTITY_SECONDS = 120


def _person(request: HttpRequest) -> tuple[User, float] | None:
    held = request.session.get(PRINT_SESSION_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("person"), int):
        return None
    checked = float(held.get("at", 0))
    if checked + IDENTITY_SECONDS < timezone.now().timestamp():
        request.session.pop(PRINT_SESSION_KEY, None)
        return None
    person = get_user_model().objects.filter(pk=held["person"], is_active=True).first()
    return (person, checked) if person is not None else None


@device_language
def kiosk_certificates(request: HttpRequest) -> HttpResponse:
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    if request.method == "POST":
        person, _ = read_identity(request, device, allow_qr=False)
        if person is None:
            messages.error(request, "未能核验身份：请将身份证放在读卡区，或在拍照区拍照")
        else:
            request.session[PRINT_SESSION_KEY] = {
                "person": person.pk,
                "at": timezone.now().timestamp(),
            }
        return redirect("delivery:kiosk_certificates")
    held = _person(request)
    page: dict[str, Any] = {
        "hall": hall,
        "person": held[0] if held else None,
        "certificates": [],
        "show_sim_reader": settings.ID_READER_SIMULATOR,
    }
    if held is not None:
        page["certificates"] = list(printable_certificates(held[0]))
    return render(request, "delivery/kiosk_certificates.html", page)


@device_language
@require_POST
def kiosk_certificate_print(request: HttpRequest) -> HttpResponse:
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    held = _person(request)
    # One identity check, one print: whatever happens next, it is used up.
    request.session.pop(PRINT_SESSION_KEY, None)
    if held is None:
        messages.error(request, "请先刷身份证核验身份（每次打印都需要本人核验）")
        return redirect("delivery:kiosk_certificates")
    person, checked = held
    try:
        certificate = certificate_kiosk_print(
            person=person,
            number=request.POST.get("number", ""),
            device=device,
            checked_at=dt.datetime.fromtimestamp(checked, tz=dt.UTC),
        )
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
        return redirect("delivery:kiosk_certificates")
    return kiosk_pdf_print(
        request,
        (hall, device),
        kind="certificate",
        title=f"{certificate.type.name} {certificate.number}",
        pdf=bytes(certificate.pdf),
        back=reverse("delivery:kiosk_certificates"),
    )
