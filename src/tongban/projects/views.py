"""The project pages: the agent's work list (and the start of a project under a mandate),
one project's chain against its goal; the hall's view of every project and its figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.models import Role
from tongban.accounts.requests import request_user
from tongban.core.pages import run_refusable
from tongban.projects import presenters
from tongban.projects.models import Project
from tongban.projects.selectors import mandates_held, project_for, projects_visible
from tongban.projects.services import project_start

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
