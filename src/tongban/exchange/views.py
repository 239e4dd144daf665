"""Pages: a person's "who looked at my data" and the data steward's console (grants to
decide and revoke, access volume with unusual days)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
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
