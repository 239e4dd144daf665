"""The applicant's 一件事 pages: start from the bundle guide, one merged form and one
material list, then one page that follows every department's part."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.cases.bundle_models import BundleCase
from tongban.cases.models import CaseEvent, CaseMaterial
from tongban.cases.presenters import ACTION_LABELS
from tongban.cases.services.bundles import (
    bundle_case_form,
    bundle_case_guide,
    bundle_deliver,
    bundle_start,
    bundle_submit,
    bundle_uploads,
)
from tongban.cases.services.forms import case_form_prefill
from tongban.catalog.models import Bundle, Material
from tongban.core.uploads import uploads_numbered
from tongban.forms.webform import data_from_post, form_rows


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
        for field, problems in exc.message_dict.items():
            messages.error(request, f"{field}：{'，'.join(problems)}")
        return redirect("catalog:bundle", code=code)
    return redirect("cases:bundle_detail", bundle_case_id=parent.pk)


def _own(request: HttpRequest, bundle_case_id: int) -> BundleCase:
    user = request_user(request)
    parent = (
        BundleCase.objects.select_related("bundle", "enterprise").filter(pk=bundle_case_id).first()
    )
    if parent is None or user.pk not in (parent.applicant_id, parent.created_by_id):
        raise Http404("办件不存在")
    return parent


def _timeline(parent: BundleCase) -> list[dict[str, Any]]:
    events = (
        CaseEvent.objects.filter(case__bundle_case=parent)
        .select_related("case__item")
        .order_by("at", "pk")
    )
    return [
        {
            "at": e.at,
            "item": e.case.item.name,
            "label": str(ACTION_LABELS.get(e.action, e.action)),
            "note": e.note,
        }
        for e in events
    ]


@login_required
def bundle_detail(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    parent = _own(request, bundle_case_id)
    user = request_user(request)
    children = list(
        parent.children.select_related("item", "department").prefetch_related("materials")
    )
    if parent.state != "draft":
        return render(
            request,
            "cases/bundle.html",
            {"parent": parent, "children": children, "timeline": _timeline(parent)},
        )
    for child in children:
        if child.form_prefill is None:  # once: the exchange is not asked on every view
            case_form_prefill(case=child, actor=user)
            child.refresh_from_db()
    guide = bundle_case_guide(parent)
    merged = bundle_case_form(parent, guide)
    data: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    for child in children:
        data = {**child.form_data, **data}
        sources = {**(child.form_prefill or {}), **sources}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = data_from_post(merged.schema, request.POST)
        try:
            files = bundle_uploads(parent, uploads_numbered(request.FILES, prefix="m_"))
            bundle_submit(parent=parent, actor=user, data=data, files=files)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, "一件事已提交：各部门的办理进度都在本页")
            return redirect("cases:bundle_detail", bundle_case_id=parent.pk)
    obtained = {
        row.material.name: row
        for child in children
        for row in child.materials.all()
        if row.status == CaseMaterial.Status.RESOLVED
    }
    waiting = {c.bundle_key for c in children if c.waiting_for}
    materials = [
        {
            "index": i,
            "merged": m,
            # Needed only by children that wait: fetched when they are dispatched.
            "later": set(m.items) <= waiting,
            "requirement": Material.Requirement(m.requirement).label,
            "obtained": obtained.get(m.name),
            "errors": errors.get(f"materials.{m.name}", []),
        }
        for i, m in enumerate(guide.materials)
    ]
    return render(
        request,
        "cases/bundle_draft.html",
        {
            "parent": parent,
            "guide": guide,
            "children": children,
            "materials": materials,
            "errors": errors,
            "sections": form_rows(
                merged.schema, data, parent.choices, errors=errors, sources=sources
            ),
        },
    )


@login_required
@require_POST
def bundle_deliver_all(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    """Window staff hand over every result of the 一件事 at once (一次领取)."""
    user = request_user(request)
    parent = BundleCase.objects.filter(pk=bundle_case_id).first()
    first = parent.children.order_by("pk").first() if parent else None
    if parent is None or first is None or not user.has_perm("cases.deliver_case", first):
        raise Http404("办件不存在")
    try:
        bundle_deliver(
            parent=parent,
            actor=user,
            mode=request.POST.get("mode", ""),
            in_person=bool(request.POST.get("in_person")),
        )
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            messages.error(request, f"{field}：{'，'.join(problems)}")
    else:
        messages.success(request, "一件事的全部办理结果已一次送达")
    return redirect("cases:case", case_id=int(request.POST.get("back") or first.pk))
