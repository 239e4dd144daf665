"""A PDF printed at a kiosk: on its A4 printer when it has one, otherwise through the kiosk's
browser (a page that holds the PDF in a frame and opens the print dialog). The PDF waits in
the kiosk's session for that page only, and is forgotten when the kiosk starts over."""

from __future__ import annotations

import base64
import time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.accounts.models import DeviceIdentity
from tongban.core.device_language import device_language
from tongban.core.downloads import pdf_response
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.hall.models import Hall
from tongban.hall.services.printing import kiosk_print_pdf

PRINTOUT_KEY = "kiosk_printout"
PRINTOUT_SECONDS = 300


def printout_forget(request: HttpRequest) -> None:
    request.session.pop(PRINTOUT_KEY, None)


def kiosk_pdf_print(
    request: HttpRequest,
    at: tuple[Hall, DeviceIdentity],
    *,
    kind: str,
    title: str,
    pdf: bytes,
    back: str,
) -> HttpResponse:
    """Print `pdf` at this kiosk and say so; `back` is where the person goes next."""
    hall, device = at
    try:
        job = kiosk_print_pdf(device, kind=kind, title=title, pdf=pdf)
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
        job, failed = None, True
    else:
        failed = False
    if job is None and not failed:
        request.session[PRINTOUT_KEY] = {
            "pdf": base64.b64encode(pdf).decode("ascii"),
            "title": title,
            "until": time.time() + PRINTOUT_SECONDS,
        }
    page = {"hall": hall, "title": title, "job": job, "failed": failed, "back": back}
    return render(request, "hall/kiosk_print.html", page)


@device_language
def kiosk_printout(request: HttpRequest) -> HttpResponse:
    """The PDF the kiosk's browser prints (its own session's, within minutes)."""
    held = request.session.get(PRINTOUT_KEY)
    if not isinstance(held, dict) or float(held.get("until", 0)) < time.time():
        printout_forget(request)
        raise Http404("没有待打印的文件")
    return pdf_response(base64.b64decode(held["pdf"]), "printout.pdf", attachment=False)
