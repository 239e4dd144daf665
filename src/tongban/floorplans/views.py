"""The floor-plan maker's pages: the person's plans and the templates to start from, the
editor (its drawing and live check go through `/api/floorplans`, `static/js/floorplan.js`),
the PDF and JSON of a revision, and the steps posted from pages: attach to an application,
comment on a place, ask for a correction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.cases.models import Case, CaseState
from tongban.core.audit import audit_log
from tongban.core.downloads import pdf_response
from tongban.core.pages import run_refusable
from tongban.floorplans import presenters, services
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.pdf import plan_pdf
from tongban.floorplans.selectors import plan_for, plans_of


def _case_from(request: HttpRequest) -> Case | None:
    """The application the tool was opened for (`?case=`), if the person may act on it."""
    raw = request.GET.get("case") or request.POST.get("case") or ""
    if not raw.isdigit():
        return None
    user = request_user(request)
    case = Case.objects.select_related("item").filter(pk=int(raw)).first()
    if case is None or not user.has_perm("cases.act_as_applicant", case):
        raise Http404("申请不存在")
    return case


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    case = _case_from(request)
    return render(
        request,
        "floorplans/home.html",
        {
            "plans": plans_of(user),
            "starters": presenters.starters(),
            "case": case,
            "kiosk": request.GET.get("mode") == "kiosk",
        },
    )


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    case = _case_from(request)
    created: list[FloorPlan] = []

    def step() -> None:
        created.append(
            services.plan_create(
                owner=user,
                template=request.POST.get("template", ""),
                jurisdiction_code=request.POST.get("jurisdiction", ""),
            )
        )

    response = run_refusable(request, step, "", lambda: redirect("floorplans:home"))
    if not created:
        return response
    query = "&".join(
        part
        for part in (
            f"case={case.pk}" if case else "",
            "mode=kiosk" if request.POST.get("mode") == "kiosk" else "",
        )
        if part
    )
    target = redirect("floorplans:edit", plan_id=created[0].pk)
    if query:
        target["Location"] += "?" + query
    return target


@login_required
def edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id, "floorplans.edit_plan")
    case = _case_from(request) or (plan.case if plan.case_id else None)
    comments = services.open_comments(plan) if plan.case_id else []
    editable = services.plan_editable(plan)
    return render(
        request,
        "floorplans/edit.html",
        {
            "plan": plan,
            "case": case,
            "editable": editable,
            "kiosk": request.GET.get("mode") == "kiosk",
            "boot": {
                "plan": plan.data,
                "revision": plan.revision,
                "id": plan.pk,
                "findings": [presenters.finding_text(f) for f in plan.findings],
                "comments": [{"x": c.x, "y": c.y, "text": c.text} for c in comments],
                "words": presenters.vocabulary(),
                "editable": editable,
            },
        },
    )


def _revision(plan: FloorPlan, request: HttpRequest) -> Any:
    raw = request.GET.get("revision", "")
    number = int(raw) if raw.isdigit() else plan.revision
    revision = plan.revisions.filter(number=number).first()
    if revision is None:
        raise Http404("没有这一版本")
    return revision


@login_required
def pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    revision = _revision(plan, request)
    _, result = services.plan_checked(revision.data)
    audit_log(action="floorplan.pdf.read", obj=plan, changes={"revision": revision.number})
    return pdf_response(
        plan_pdf(plan, revision, result),
        f"floorplan-{plan.pk}-v{revision.number}.pdf",
        attachment=False,
    )


@login_required
def plan_json(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    revision = _revision(plan, request)
    response = JsonResponse(revision.data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = (
        f'attachment; filename="floorplan-{plan.pk}-v{revision.number}.json"'
    )
    return response


@login_required
@require_POST
def attach(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id, "floorplans.edit_plan")
    case = _case_from(request)
    if case is None:
        raise Http404("申请不存在")

    def back() -> HttpResponse:
        if case.state == CaseState.DRAFT:
            return redirect("cases:continue", case_id=case.pk)
        return redirect("cases:mine_detail", case_id=case.pk)

    def failed() -> HttpResponse:
        return redirect(reverse("floorplans:edit", args=[plan.pk]) + f"?case={case.pk}")

    done: list[bool] = []

    def step() -> None:
        services.plan_attach(plan=plan, actor=user, case=case)
        done.append(True)

    response = run_refusable(request, step, "平面布局图已附入申请", failed)
    return back() if done else response


def _staff_back(plan: FloorPlan) -> HttpResponse:
    return redirect("cases:case", case_id=plan.case_id)


@login_required
@require_POST
def comment(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    if not user.has_perm("floorplans.comment_plan", plan):
        raise PermissionDenied("只有受理或审查该申请的工作人员可以提出意见")
    return run_refusable(
        request,
        lambda: services.plan_comment_add(
            plan=plan,
            actor=user,
            x=request.POST.get("x"),
            y=request.POST.get("y"),
            text=request.POST.get("text", ""),
        ),
        "已在平面图上标注意见",
        lambda: _staff_back(plan),
    )


@login_required
@require_POST
def correction(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = request_user(request)
    plan = plan_for(user, plan_id)
    return run_refusable(
        request,
        lambda: services.plan_correction_request(plan=plan, actor=user),
        "已要求申请人补正平面布局图",
        lambda: _staff_back(plan),
    )


@login_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    """领取: a plan drawn at a hall's kiosk becomes the signed-in person's, by its 取图码."""
    from tongban.floorplans.claims import plan_claim

    user = request_user(request)
    case = _case_from(request)
    claimed: list[FloorPlan] = []

    def step() -> None:
        claimed.append(plan_claim(user=user, code=request.POST.get("code", "")))

    response = run_refusable(
        request, step, "已领取自助机上绘制的平面图", lambda: redirect("floorplans:home")
    )
    if not claimed:
        return response
    target = redirect("floorplans:edit", plan_id=claimed[0].pk)
    if case is not None:
        target["Location"] += f"?case={case.pk}"
    return target
