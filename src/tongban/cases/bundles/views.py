"""The applicant's 一件事 pages: start from the bundle guide, one merged form and one
material list, then one page that follows every department's part."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.cases.bundles.models import BundleCaseState
from tongban.cases.bundles.presenters import bundle_draft_page, bundle_progress_page
from tongban.cases.bundles.progress import bundle_deliver
from tongban.cases.bundles.selectors import access_bundle_case, bundle_case_for_delivery
from tongban.cases.bundles.services import (
    bundle_case_form,
    bundle_start,
    bundle_submit,
    bundle_uploads,
)
from tongban.cases.panels import bundle_panels, draft_extras, panels_for_bundle_case
from tongban.catalog.models import Bundle
from tongban.core.pages import refusal_messages, run_refusable
from tongban.core.uploads import uploads_numbered
from tongban.forms.webform import data_from_post


@login_required
@require_POST
def bundle_apply(request: HttpRequest, code: str) -> HttpResponse:
    bundle = Bundle.objects.filter(code=code, active=True).first()
    if bundle is None:
        raise Http404("套餐不存在")
    user = request_user(request)
    chosen = request.POST.get("enterprise", "")
    enterprise = user.enterprises.filter(uscc=chosen).first() if chosen else None
    if bundle.audience == "enterprise" and enterprise is None:
        messages.error(request, "enterprise：请选择以哪家企业的名义申请")
        return redirect("catalog:bundle", code=code)
    choices = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("s_")}
    try:
        parent = bundle_start(
            actor=user,
            bundle=bundle,
            applicant=user,
            enterprise=enterprise,
            choices=choices,
            idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
        )
    except ValidationError as exc:
        refusal_messages(request, exc)
        return redirect("catalog:bundle", code=code)
    return redirect("cases:bundle_detail", bundle_case_id=parent.pk)


@login_required
def bundle_detail(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    """The 一件事 once submitted: every department's part and one timeline. Before that, the
    one form and material list; posting them submits the whole 一件事 once."""
    user = request_user(request)
    parent = access_bundle_case(user, bundle_case_id)
    if parent.state != BundleCaseState.DRAFT:
        page = bundle_progress_page(parent)
        page["panels"] = panels_for_bundle_case(parent, user)
        return render(request, "cases/bundle.html", page)
    if request.method != "POST":
        return render(request, "cases/bundle_draft.html", bundle_draft_page(parent))
    data = data_from_post(bundle_case_form(parent).schema, request.POST)
    try:
        files = bundle_uploads(parent, uploads_numbered(request.FILES, prefix="m_"))
        extras = draft_extras(request.POST.dict(), bundle_panels)
        bundle_submit(parent=parent, actor=user, data=data, files=files, extras=extras)
    except ValidationError as exc:
        page = bundle_draft_page(
            parent, posted=data, errors=exc.message_dict, post=request.POST.dict()
        )
        return render(request, "cases/bundle_draft.html", page)
    messages.success(request, "一件事已提交：各部门的办理进度都在本页")
    return redirect("cases:bundle_detail", bundle_case_id=parent.pk)


@login_required
@require_POST
def bundle_deliver_all(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    """Window staff hand over every result of the 一件事 at once (一次领取)."""
    user = request_user(request)
    parent = bundle_case_for_delivery(user, bundle_case_id)
    back = int(request.POST.get("back") or parent.children.order_by("pk").values("pk")[0]["pk"])
    return run_refusable(
        request,
        lambda: bundle_deliver(
            parent=parent,
            actor=user,
            mode=request.POST.get("mode", ""),
            in_person=bool(request.POST.get("in_person")),
        ),
        "一件事的全部办理结果已一次送达",
        lambda: redirect("cases:case", case_id=back),
    )
