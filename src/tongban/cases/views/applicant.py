"""The applicant's pages: apply online, my cases, a case with its timeline and clock."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.cases import selectors
from tongban.cases.presenters import case_full
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.cases.views.common import access_case, run_step, signed_in
from tongban.catalog import selectors as catalog
from tongban.catalog.models import Material


def _uploads(request: HttpRequest) -> dict[int, UploadedFile]:
    files: dict[int, UploadedFile] = {}
    for field in request.FILES:
        if field.startswith("material_") and field[9:].isdigit():
            upload = request.FILES.get(field)
            if isinstance(upload, UploadedFile):
                files[int(field[9:])] = upload
    return files


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """One page: situations, materials to upload, submit. The form carries its idempotency key,
    so a double click or a resent form creates one case."""
    item = catalog.item_get_published(code)
    if item is None:
        raise Http404("事项不存在或未发布")
    user = signed_in(request)
    choices = catalog.default_choices(item)
    for situation in item.situations.all():
        picked = request.POST.get(f"s_{situation.code}") or request.GET.get(f"s_{situation.code}")
        if picked:
            choices[situation.code] = picked
    errors: dict[str, list[str]] = {}
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "POST":
        try:
            case = case_save_draft(
                actor=user,
                code=code,
                applicant=user,
                idempotency_key=key,
                enterprise=user.enterprises.first() if item.audience == "enterprise" else None,
            )
            case = case_submit(case=case, actor=user, situations=choices, files=_uploads(request))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, "申请已提交，可在本页跟踪办理进度")
            return redirect("cases:mine_detail", case_id=case.pk)
    materials = catalog.materials_for(item, [f"{s}.{o}" for s, o in choices.items()])
    return render(
        request,
        "cases/apply.html",
        {
            "item": item,
            "key": key,
            "situation_rows": [
                (s, [(o, choices.get(s.code) == o.code) for o in s.options.all()])
                for s in item.situations.all()
            ],
            "rows": [
                (m, m.source == Material.Source.APPLICANT, errors.get(f"materials.{m.pk}", []))
                for m in materials
            ],
            "errors": errors,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_applicant(signed_in(request).pk)
    return render(
        request,
        "cases/mine.html",
        {"page": Paginator(cases, 20).get_page(request.GET.get("page"))},
    )


@login_required
def mine_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request, case_id)
    return render(
        request,
        "cases/case.html",
        {"case": case, "view": case_full(case, signed_in(request)), "staff": False},
    )


@login_required
@require_POST
def resubmit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request, case_id)
    files = _uploads(request)
    return run_step(
        request,
        case,
        lambda: lc.case_resubmit(case=case, actor=signed_in(request), files=files),
        "补正材料已提交",
        "cases:mine_detail",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request, case_id)
    reason = request.POST.get("reason", "")
    return run_step(
        request,
        case,
        lambda: lc.case_withdraw(case=case, actor=signed_in(request), reason=reason),
        "申请已撤回",
        "cases:mine_detail",
    )
