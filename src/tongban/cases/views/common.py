"""Helpers shared by the case pages: the signed-in user, access checks, error display."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from tongban.accounts.models import User
from tongban.cases import selectors
from tongban.cases.models import Case
from tongban.cases.services.lifecycle import CaseConflict
from tongban.core.calendar import CalendarDataMissing


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
    """Run one service call from a form; show its outcome or every error, then go back."""
    try:
        step()
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            messages.error(request, f"{field}：{'，'.join(problems)}")
    except (CaseConflict, CalendarDataMissing, PermissionError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(back, case_id=case.pk)
