"""Helpers shared by the case pages: the case a person may see, and running a step."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tongban.cases.models import Case
from tongban.core.pages import run_refusable


def run_step(
    request: HttpRequest, case: Case, step: Callable[[], object], done: str, back: str
) -> HttpResponse:
    """Run one service call from a form; show its outcome or why it was refused, then go
    back to the case's page."""
    return run_refusable(request, step, done, lambda: redirect(back, case_id=case.pk))
