"""The project pages: the agent's work list (and the start of a project under a mandate),
one project's chain against its goal; the hall's view of every project and its figures."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.models import Role, User
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.core.pages import run_refusable
from tongban.projects import presenters
from tongban.projects.models import OutreachEvent, Project
from tongban.projects.selectors import mandates_held, project_for, projects_visible
from tongban.projects.services import outreach_case_link, outreach_event_create, project_start

CHOICES = {"investment": ("record", "approval"), "impact": ("table", "report")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    manager = user.has_role(Role.HALL_MANAGER, Role.ADMINISTRATOR)
    if not (manager or user.has_role(Role.AGENT)):
        raise PermissionDenied("仅帮办代办员和大厅管理员可以查看项目")
    return render(
        request,
        "projects/home.html",
        {
            "worklist": presenters.agent_worklist(user) if user.has_role(Role.AGENT) else [],
            "mandates": list(mandates_held(user)) if user.has_role(Role.AGENT) else [],
            "all": list(projects_visible(user)[:200]) if manager else [],
            "figures": presenters.project_figures() if manager else None,
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    mandate = mandates_held(user).filter(pk=request.POST.get("mandate_id") or 0).first()
    if mandate is None:
        raise Http404("委托授权不存在或已失效")
    made: list[Project] = []
    choices = {
        key: request.POST.get(key, "")
        for key, allowed in CHOICES.items()
        if request.POST.get(key) in allowed
    }
    response = run_refusable(
        request,
        lambda: made.append(
            project_start(
                actor=user,
                mandate=mandate,
                name=request.POST.get("name"),
                code=request.POST.get("code"),
                choices=choices,
                idempotency_key=f"project:{request.POST.get('code', '')}"[:48],
            )
        ),
        "项目已开办：请在各环节页面提交申请",
        lambda: redirect("projects:home"),
    )
    return redirect("projects:project", project_id=made[0].pk) if made else response


@login_required
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_for(request_user(request), project_id)
    return render(request, "projects/project.html", presenters.project_page(project))


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    """金钥匙 outreach days: the list with each day's figures, and the form to record one."""
    user = request_user(request)
    if not user.has_perm("projects.record_outreach"):
        raise PermissionDenied("仅工作人员可以查看上门服务活动")
    events = OutreachEvent.objects.prefetch_related("team").order_by("-held_on", "-pk")[:100]
    return render(
        request,
        "projects/outreach.html",
        {
            "events": [{"event": e, "figures": presenters.outreach_figures(e)} for e in events],
            "staff": User.objects.filter(
                is_active=True, role_grants__role__in=[Role.CLERK, Role.REVIEWER, Role.AGENT]
            )
            .distinct()
            .order_by("username")[:200],
        },
    )


@login_required
@require_POST
def outreach_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)

    def step() -> None:
        try:
            held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
            served = int(request.POST.get("people_served") or 0)
        except ValueError as exc:
            raise ValidationError({"held_on": ["请填写日期和服务人数"]}) from exc
        team = list(
            User.objects.filter(
                pk__in=[int(i) for i in request.POST.getlist("team") if i.isdigit()]
            )
        )
        outreach_event_create(
            actor=user,
            name=request.POST.get("name"),
            place=request.POST.get("place"),
            held_on=held_on,
            team=team,
            people_served=served,
            notes=request.POST.get("notes", ""),
        )

    return run_refusable(request, step, "已登记上门服务活动", lambda: redirect("projects:outreach"))


@login_required
@require_POST
def outreach_link(request: HttpRequest, event_id: int) -> HttpResponse:
    """A case started at the event, by its number."""
    user = request_user(request)
    event = OutreachEvent.objects.filter(pk=event_id).first()
    if event is None or not user.has_perm("projects.record_outreach"):
        raise Http404("活动不存在")

    def step() -> None:
        number = request.POST.get("number", "").strip()
        case = Case.objects.filter(number=number).first() if number else None
        if case is None:
            raise ValidationError({"number": [f"没有编号为“{number}”的办件"]})
        outreach_case_link(actor=user, event=event, case=case)

    return run_refusable(request, step, "已计入该活动", lambda: redirect("projects:outreach"))
