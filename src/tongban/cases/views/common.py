"""Helpers shared by the case pages: the signed-in user, access checks, error display."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from tongban.accounts.models import User
from tongban.cases import selectors
from tongban.cases.models import Case
from tongban.core.pages import run_refusable


def signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied("请先登录")
    return request.user


def access_case(request: HttpRequest, case_id: int) -> Case:
    case = selectors.case_detail(case_id)
    if case is None or not signed_in(request).has_perm("cases.view_case", case):
        raise Http404("办件不存在")
    return case


def run_step(
    request: HttpRequest, case: Case, step: Callable[[], object], done: str, back: str
) -> HttpResponse:
    """Run one service call from a form; show its outcome or why it was refused, then go
    back to the case's page."""
    return run_refusable(request, step, done, lambda: redirect(back, case_id=case.pk))
