"""The staff workbench: scoped work lists and the case page with its actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.accounts.services import personal_info_masked, personal_info_reveal
from tongban.cases import selectors
from tongban.cases.models import Case, CaseState, Suspension, Warning
from tongban.cases.presenters import case_full, case_summary
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.joint_review import may_convene
from tongban.cases.views.common import access_case, run_step, signed_in

STAFF_ROLES = ("clerk", "reviewer", "hall_manager", "administrator")


def _staff(request: HttpRequest) -> User:
    user = signed_in(request)
    if not user.has_role(*STAFF_ROLES):
        raise PermissionDenied("仅工作人员可使用工作台")
    return user


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    due = None
    if request.GET.get("due_before"):
        try:
            due = dt.date.fromisoformat(request.GET["due_before"])
        except ValueError:
            due = None
    cases = selectors.case_worklist(
        user,
        state=request.GET.get("state") or None,
        item_code=request.GET.get("item") or None,
        warning=request.GET.get("warning") or None,
        due_before=due,
    )
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    # One reverse for the page, not one per row.
    case_url = reverse("cases:case", args=[0]).replace("/0/", "/{}/")
    return render(
        request,
        "cases/worklist.html",
        {
            "page": page,
            "rows": [
                {**case_summary(c, user), "url": case_url.format(c.pk)}
                for c in selectors.with_visit_counts(list(page))
            ],
            "states": CaseState.choices,
            "warnings": [w for w in Warning.choices if w[0]],
            "filters": request.GET,
        },
    )


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id, revealed=None)


@login_required
@require_POST
def reveal_applicant(request: HttpRequest, case_id: int) -> HttpResponse:
    """The applicant's full ID number and phone for a clerk or reviewer who needs them; the
    reading goes into the audit chain with the case as its reason."""
    user = _staff(request)
    case = access_case(request, case_id)
    info = personal_info_reveal(
        viewer=user, subject=case.applicant, reason=f"办理办件{case.number or case.pk}"
    )
    return _case_page(request, case_id, revealed=info)


def _case_page(request: HttpRequest, case_id: int, revealed: dict[str, str] | None) -> HttpResponse:
    user = _staff(request)
    case = access_case(request, case_id)
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "view": case_full(case, user),
            "staff": True,
            "revealed": revealed,
            "masked": personal_info_masked(case.applicant),
            "can_reveal": user.has_perm("accounts.view_personal_info", case.applicant),
            "suspension_kinds": [k for k in Suspension.Kind.choices if k[0] != "correction"],
            "can": {
                "accept": user.has_perm("cases.accept_case", case),
                "review": user.has_perm("cases.review_case", case),
                "deliver": user.has_perm("cases.deliver_case", case),
                "terminate": user.has_perm("cases.terminate_case", case),
                "convene": may_convene(user, case),
            },
        },
    )


def _problems(request: HttpRequest) -> dict[int, str]:
    problems: dict[int, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        wanted = key.startswith("problem_") and key[8:].isdigit()
        if wanted and isinstance(value, str) and value.strip():
            problems[int(key[8:])] = value.strip()
    return problems


ACTIONS: dict[str, tuple[str, Callable[[Case, User, HttpRequest], object]]] = {
    "pre_review": ("已开始预审", lambda c, u, r: lc.case_start_pre_review(case=c, actor=u)),
    "correction": (
        "已要求补正",
        lambda c, u, r: lc.case_request_correction(case=c, actor=u, problems=_problems(r)),
    ),
    "reject": (
        "已不予受理",
        lambda c, u, r: lc.case_reject(case=c, actor=u, reason=r.POST.get("reason", "")),
    ),
    "accept": (
        "已受理",
        lambda c, u, r: lc.case_accept(case=c, actor=u, in_person=bool(r.POST.get("in_person"))),
    ),
    "review": ("已开始审查", lambda c, u, r: lc.case_start_review(case=c, actor=u)),
    "suspend": (
        "已启动特别程序，暂停计时",
        lambda c, u, r: lc.case_suspend(
            case=c, actor=u, kind=r.POST.get("kind", ""), reason=r.POST.get("reason", "")
        ),
    ),
    "resume": ("特别程序结束，恢复计时", lambda c, u, r: lc.case_resume(case=c, actor=u)),
    "extend": (
        "已批准延期",
        lambda c, u, r: lc.case_extend(
            case=c,
            actor=u,
            working_days=int(r.POST.get("working_days") or 0),
            reason=r.POST.get("reason", ""),
        ),
    ),
    "decide": (
        "已作出决定",
        lambda c, u, r: lc.case_decide(
            case=c, actor=u, decision=r.POST.get("decision", ""), reason=r.POST.get("reason", "")
        ),
    ),
    "result": ("办理结果已制作", lambda c, u, r: lc.case_produce_result(case=c, actor=u)),
    "deliver": (
        "已送达",
        lambda c, u, r: lc.case_deliver(
            case=c, actor=u, mode=r.POST.get("mode", ""), in_person=bool(r.POST.get("in_person"))
        ),
    ),
    "complete": ("已办结", lambda c, u, r: lc.case_complete(case=c, actor=u)),
    "terminate": (
        "已终止办理",
        lambda c, u, r: lc.case_terminate(case=c, actor=u, reason=r.POST.get("reason", "")),
    ),
}


@login_required
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("未知操作")
    user = _staff(request)
    case = access_case(request, case_id)
    done, step = ACTIONS[action]
    return run_step(request, case, lambda: step(case, user, request), done, "cases:case")
