"""The staff workbench: scoped work lists and the case page with its actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.accounts.services import personal_info_masked
from tongban.cases import presenters, selectors
from tongban.cases.actions import APPLICANT_ACTIONS, CASE_ACTIONS, action_take
from tongban.cases.joint.services import may_convene
from tongban.cases.models import Case
from tongban.cases.presenters import worklist_filters, worklist_page
from tongban.cases.services.personal import (
    case_find,
    case_personal_may_reveal,
    case_personal_reveal,
)
from tongban.cases.views.common import run_step
from tongban.core.pages import PAGE_REFUSALS, refusal_messages

STAFF_ROLES = ("clerk", "reviewer", "hall_manager", "administrator")


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_role(*STAFF_ROLES):
        raise PermissionDenied("仅工作人员可使用工作台")
    return user


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The work list, filtered by GET; the search box POSTs (what a clerk types, an ID number
    or a name, stays out of the URL and the access logs)."""
    user = _staff(request)
    if request.method == "POST":
        return _search(request, user)
    filters = worklist_filters(request.GET)
    cases = selectors.case_worklist(
        user,
        state=filters.state or None,
        item_code=filters.item or None,
        warning=filters.warning or None,
        due_before=filters.due_before,
    )
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(request, "cases/worklist.html", worklist_page(user, page, request.GET))


def _search(request: HttpRequest, user: User) -> HttpResponse:
    query = request.POST.get("q", "")
    found: list[Case] = []
    try:
        found = case_find(viewer=user, query=query)
    except PAGE_REFUSALS as exc:
        refusal_messages(request, exc)
    page = presenters.search_page(user, found, query)
    return render(request, "cases/worklist.html", page)


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id, revealed=None)


@login_required
@require_POST
def reveal_applicant(request: HttpRequest, case_id: int) -> HttpResponse:
    """The applicant's full ID number and phone for a clerk or reviewer who needs them; the
    reading goes into the audit chain with the case as its reason."""
    user = _staff(request)
    case = selectors.access_case(user, case_id, detail=True)
    info = case_personal_reveal(viewer=user, case=case, reason=f"办理办件{case.number or case.pk}")
    return _case_page(request, case_id, revealed=info)


def _case_page(request: HttpRequest, case_id: int, revealed: dict[str, str] | None) -> HttpResponse:
    user = _staff(request)
    case = selectors.access_case(user, case_id, detail=True)
    can = {
        "accept": user.has_perm("cases.accept_case", case),
        "review": user.has_perm("cases.review_case", case),
        "deliver": user.has_perm("cases.deliver_case", case),
        "terminate": user.has_perm("cases.terminate_case", case),
        "convene": may_convene(user, case),
    }
    page = presenters.case_page(
        case,
        user,
        staff=True,
        revealed=revealed,
        masked=personal_info_masked(case.applicant),
        can=can,
    )
    page["can_reveal"] = case_personal_may_reveal(user, case)
    return render(request, "cases/case.html", page)


@login_required
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    step = CASE_ACTIONS.get(action)
    if step is None or action in APPLICANT_ACTIONS:
        raise Http404("未知操作")
    user = _staff(request)
    case = selectors.access_case(user, case_id)
    return run_step(
        request,
        case,
        lambda: action_take(step, case=case, actor=user, data=request.POST),
        step.done,
        "cases:case",
    )
