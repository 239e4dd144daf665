"""The applicant's pages: apply online, my cases, a case with its timeline and clock."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.cases import selectors
from tongban.cases.actions import CASE_ACTIONS, action_take
from tongban.cases.models import CaseState
from tongban.cases.panels import draft_extras
from tongban.cases.presenters import (
    apply_page,
    case_page,
    chosen_situations,
    draft_page,
    enterprise_chosen,
)
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.results import form_seal
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.cases.views.common import run_step
from tongban.catalog import selectors as catalog
from tongban.core.downloads import pdf_response
from tongban.core.links import public_url
from tongban.core.uploads import uploads_numbered
from tongban.forms.pdf import form_pdf
from tongban.forms.services import item_form
from tongban.forms.webform import data_from_post


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: choose the situations (and the enterprise) and start. Starting creates the
    draft, and the platform fetches what it can before asking for anything. The form carries
    its idempotency key, so a double click or a resent form creates one draft."""
    item = catalog.item_get_published(code)
    if item is None:
        raise Http404("事项不存在或未发布")
    user = request_user(request)
    choices = chosen_situations(item, {**request.GET.dict(), **request.POST.dict()})
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method != "POST":
        return render(request, "cases/apply.html", apply_page(item, user, choices, key))
    try:
        case = case_save_draft(
            actor=user,
            code=code,
            applicant=user,
            idempotency_key=key,
            enterprise=enterprise_chosen(item, user, request.POST.get("enterprise", "")),
            situations=choices,
        )
    except ValidationError as exc:
        page = apply_page(item, user, choices, key, exc.message_dict)
        return render(request, "cases/apply.html", page)
    return redirect("cases:continue", case_id=case.pk)


@login_required
def continue_draft(request: HttpRequest, case_id: int) -> HttpResponse:
    """Step 2: what the platform obtained, with where from, and uploads only for the rest."""
    user = request_user(request)
    case = selectors.access_case(user, case_id, detail=True)
    if case.state != CaseState.DRAFT:
        return redirect("cases:mine_detail", case_id=case.pk)
    if request.method != "POST":
        return render(request, "cases/continue.html", draft_page(case, viewer=user))
    schema = item_form(catalog.item_version(case.item_id))
    data = data_from_post(schema, request.POST) if not schema.empty else None
    try:
        files = uploads_numbered(request.FILES, prefix="material_")
        case = case_submit(
            case=case,
            actor=user,
            files=files,
            form_data=data,
            extras=draft_extras(request.POST.dict()),
        )
    except ValidationError as exc:
        page = draft_page(case, data, exc.message_dict, viewer=user, post=request.POST.dict())
        return render(request, "cases/continue.html", page)
    messages.success(request, "申请已提交，可在本页跟踪办理进度")
    return redirect("cases:mine_detail", case_id=case.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    cases = selectors.case_list_for_applicant(user.pk)
    return render(
        request,
        "cases/mine.html",
        {
            "page": Paginator(cases, 20).get_page(request.GET.get("page")),
            "bundle_cases": selectors.bundle_cases_for_applicant(user.pk)[:20],
        },
    )


@login_required
def mine_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.access_case(user, case_id, detail=True)
    return render(request, "cases/case.html", case_page(case, user, staff=False))


@login_required
@require_POST
def resubmit(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.access_case(user, case_id)
    return run_step(
        request,
        case,
        lambda: lc.case_resubmit(
            case=case,
            actor=user,
            files=uploads_numbered(request.FILES, prefix="material_"),
        ),
        "补正材料已提交",
        "cases:mine_detail",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.access_case(user, case_id)
    step = CASE_ACTIONS["withdraw"]
    return run_step(
        request,
        case,
        lambda: action_take(step, case=case, actor=user, data=request.POST),
        step.done,
        "cases:mine_detail",
    )


@login_required
def mine_form_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's application form as the printed PDF, with a QR code back to the case."""
    case = selectors.access_case(request_user(request), case_id, detail=True)
    item = catalog.item_version(case.item_id)
    if not item.form or case.state == "draft":
        raise Http404("该办件没有已提交的申请表")
    pdf = form_pdf(
        item,
        case.form_data,
        case.situations,
        reference=case.number or f"申请 {case.pk}",
        link_url=public_url(request, reverse("cases:mine_detail", args=[case.pk])),
        link_label="扫码查看办件进度",
    )
    # Signed: the form filled online stands for the application-form material.
    pdf = form_seal(pdf, f"申请表 {case.number or case.pk}")
    response = pdf_response(pdf, f"form-{case.pk}.pdf", attachment=False)
    return response
