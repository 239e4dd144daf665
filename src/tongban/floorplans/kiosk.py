"""The floor-plan maker on a hall's kiosk (自助填单绘图机): no sign-in. Arriving starts over;
the plan being drawn is this kiosk session's (its id in the session), saved and checked through
the kiosk's own JSON endpoints; 完成并打印 prints the 1:100 plan with its 取图码, and the session
forgets it. Three minutes without a touch wipe the drawing for the next person."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.device_language import device_language, device_language_reset
from tongban.core.errors import refusal_of
from tongban.core.pages import PAGE_REFUSALS
from tongban.floorplans import claims, presenters, services
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.pdf import plan_pdf
from tongban.hall.views.devices import kiosk_device
from tongban.hall.views.printout import kiosk_pdf_print, printout_forget

SESSION_KEY = "kiosk_floorplan"


def _forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _refused(exc: Exception) -> JsonResponse:
    refusal = refusal_of(exc)
    if refusal is None:
        raise exc
    return JsonResponse(
        {"detail": refusal.message, "errors": refusal.fields}, status=refusal.status
    )


@device_language
def kiosk_home(request: HttpRequest) -> HttpResponse:
    at = kiosk_device(request)
    if at is None:
        return redirect("hall:device")
    _forget(request)
    return render(
        request,
        "floorplans/kiosk_home.html",
        {"hall": at[1], "starters": [s for s in presenters.starters() if s["code"] != "blank"]},
    )


@require_POST
def kiosk_new(request: HttpRequest) -> HttpResponse:
    at = kiosk_device(request)
    if at is None:
        return redirect("hall:device")
    try:
        plan = claims.kiosk_plan_create(device=at[0], template=request.POST.get("template", ""))
    except PAGE_REFUSALS:
        return redirect("floorplans:kiosk")
    request.session[SESSION_KEY] = plan.pk
    return redirect("floorplans:kiosk_edit")


def _current(request: HttpRequest) -> FloorPlan | None:
    at = kiosk_device(request)
    plan_id = request.session.get(SESSION_KEY)
    if at is None or not isinstance(plan_id, int):
        return None
    return FloorPlan.objects.filter(
        pk=plan_id, device=at[0], owner__isnull=True, claim_digest=""
    ).first()


@device_language
def kiosk_edit(request: HttpRequest) -> HttpResponse:
    at = kiosk_device(request)
    if at is None:
        return redirect("hall:device")
    plan = _current(request)
    if plan is None:
        return redirect("floorplans:kiosk")
    return render(
        request,
        "floorplans/kiosk_edit.html",
        {
            "hall": at[1],
            "plan": plan,
            "editable": True,
            "kiosk": True,
            "kiosk_device": True,
            "api": reverse("floorplans:kiosk").rstrip("/"),
            "boot": {
                "plan": plan.data,
                "revision": plan.revision,
                "id": plan.pk,
                "findings": [presenters.finding_text(f) for f in plan.findings],
                "comments": [],
                "words": presenters.vocabulary(),
                "editable": True,
            },
        },
    )


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"plan": ["请求内容不是有效的JSON"]}) from None


@require_POST
def kiosk_check(request: HttpRequest) -> JsonResponse:
    """The live check, for the kiosk's editor (the API's, without a person's sign-in)."""
    if kiosk_device(request) is None:
        return JsonResponse({"detail": "请在自助机上使用"}, status=403)
    try:
        _, result = services.plan_checked(_json(request))
    except PAGE_REFUSALS as exc:
        return _refused(exc)
    return JsonResponse({**result.summary(), "findings": [f.as_dict() for f in result.findings]})


@require_http_methods(["PUT"])
def kiosk_save(request: HttpRequest, plan_id: int) -> JsonResponse:
    at = kiosk_device(request)
    if at is None or request.session.get(SESSION_KEY) != plan_id:
        return JsonResponse({"detail": "这张平面图已不在本机上"}, status=404)
    try:
        body = _json(request)
        if not isinstance(body, dict) or not isinstance(body.get("base_revision"), int):
            raise ValidationError({"base_revision": ["缺少编辑所基于的版本"]})
        revision = claims.kiosk_plan_save(
            plan_id=plan_id,
            device=at[0],
            data=body.get("plan"),
            base_revision=body["base_revision"],
        )
    except PAGE_REFUSALS as exc:
        return _refused(exc)
    return JsonResponse({"revision": revision.number, "passed": revision.passed})


@require_POST
def kiosk_finish(request: HttpRequest) -> HttpResponse:
    """完成并打印: the plan with its 取图码, printed at this kiosk; the session forgets it."""
    at = kiosk_device(request)
    plan = _current(request)
    if at is None or plan is None:
        return redirect("floorplans:kiosk")
    try:
        plan, code = claims.kiosk_plan_finish(plan_id=plan.pk, device=at[0])
    except PAGE_REFUSALS:
        return redirect("floorplans:kiosk")
    _forget(request)
    revision = plan.revisions.get(number=plan.revision)
    _, result = services.plan_checked(revision.data)
    pdf = plan_pdf(plan, revision, result, claim=code)
    messages.success(
        request,
        f"取图码：{code}。请登录网上办事大厅，在“餐饮平面图制作”页面输入此码领取本图，"
        f"继续修改并附入申请（{claims.CLAIM_DAYS}天内有效）。",
    )
    return kiosk_pdf_print(
        request,
        (at[1], at[0]),
        kind="form",
        title="餐饮服务场所平面布局图",
        pdf=pdf,
        back=reverse("floorplans:kiosk_reset"),
    )


def kiosk_reset(request: HttpRequest) -> HttpResponse:
    """The next person: the drawing, the language and any printout are forgotten."""
    _forget(request)
    device_language_reset(request)
    printout_forget(request)
    return redirect("hall:kiosk_start")
