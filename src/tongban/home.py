"""A person's home (/me/): what they have going on across the apps — open cases and what each
waits for, certificates, unread messages, coming appointments. It composes the apps' own
selectors and presenters, as the URL configuration composes their pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.accounts.requests import request_user
from tongban.cases import selectors as case_selectors
from tongban.cases.models import FINAL_STATES
from tongban.certificates import selectors as certificate_selectors
from tongban.certificates.services import certificate_status
from tongban.core import clock
from tongban.hall import presenters as hall_presenters
from tongban.hall import selectors as hall_selectors
from tongban.hall.models import Appointment
from tongban.notify.inbox import inbox, unread_count


@login_required
def me_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cases = case_selectors.case_list_for_applicant(user.pk)
    open_cases = [c for c in cases.exclude(state__in=FINAL_STATES)[:10]]
    appointments = hall_selectors.appointments_of(user.pk).filter(
        status=Appointment.Status.BOOKED, day__gte=clock.localdate()
    )
    certificates = certificate_selectors.certificates_held(user)[:6]
    page = {
        "open_cases": open_cases,
        "open_count": cases.exclude(state__in=FINAL_STATES).count(),
        "done_count": cases.filter(state__in=FINAL_STATES).count(),
        "bundles": case_selectors.bundle_cases_for_applicant(user.pk)[:5],
        "certificates": [(c, certificate_status(c)) for c in certificates],
        "inbox_messages": list(inbox(user)[:5]),  # not "messages": the flash messages
        "unread": unread_count(user),
        "appointments": [hall_presenters.appointment_out(a) for a in appointments[:5]],
    }
    return render(request, "me.html", page)
