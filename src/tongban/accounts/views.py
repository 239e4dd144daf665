"""Sign-in, sign-out and the person's own account page (personal information masked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.accounts.services import personal_info_masked, personal_info_reveal


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/me.html",
        {"subject": user, "info": personal_info_masked(user), "revealed": False},
    )


@login_required
@require_POST
def me_reveal(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        info = personal_info_reveal(
            viewer=user, subject=user, reason=request.POST.get("reason", "本人查看")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:me")
    return render(request, "accounts/me.html", {"subject": user, "info": info, "revealed": True})
