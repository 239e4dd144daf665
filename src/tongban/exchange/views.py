"""Pages: a person's "who looked at my data" and the data steward's console (grants to
decide and revoke, access volume with unusual days)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.exchange import selectors
from tongban.exchange.models import AccessGrant
from tongban.exchange.services.grants import grant_decide, grant_revoke


@login_required
def my_access(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.access_for_subject(user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/my_access.html",
        {"page": page, "enterprises": list(user.enterprises.values_list("name", flat=True))},
    )


@login_required
def my_access_proof(request: HttpRequest, log_id: int) -> HttpResponse:
    """One access to the person's data, proved to be in the sealed audit log: a JSON file
    they can check with the platform's public key (docs/audit-proof-check.py)."""
    from tongban.core.auditseal import inclusion_for

    user = request_user(request)
    entry = selectors.access_for_subject(user).filter(pk=log_id).first()
    if entry is None or entry.audit_record is None:
        raise Http404("没有这条查询记录")
    proof = inclusion_for(entry.audit_record)
    if proof is None:
        raise Http404("这条记录尚未封存（通常在一秒内完成），请稍后再试")
    response = JsonResponse(proof, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="audit-proof-{log_id}.json"'
    return response


@login_required
def console(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not user.has_perm("exchange.review_access"):
        raise PermissionDenied("仅数据管理员可使用数据共享管理")
    scope = None if user.has_role("administrator") else user.department
    grants = list(selectors.grant_list(scope)[:200])
    return render(
        request,
        "exchange/console.html",
        {
            "department": scope,
            "to_decide": [
                g
                for g in grants
                if g.state == AccessGrant.State.REQUESTED
                and user.has_perm("exchange.decide_grant", g)
            ],
            "grants": grants,
            "volumes": selectors.access_review(days=14, department=scope),
            "resources": selectors.resource_list(),
        },
    )


@login_required
@require_POST
def grant_action(request: HttpRequest, grant_id: int, action: str) -> HttpResponse:
    user = request_user(request)
    grant = selectors.grant_get(grant_id)
    if grant is None:
        raise Http404("授权不存在")
    note = request.POST.get("note", "")
    try:
        if action == "approve":
            grant_decide(actor=user, grant=grant, approve=True, note=note)
            messages.success(request, "已批准")
        elif action == "refuse":
            grant_decide(actor=user, grant=grant, approve=False, note=note)
            messages.success(request, "已拒绝")
        elif action == "revoke":
            grant_revoke(actor=user, grant=grant, reason=note)
            messages.success(request, "已撤销")
        else:
            raise Http404("未知操作")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("exchange:console")
