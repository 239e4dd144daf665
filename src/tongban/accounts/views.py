"""Sign-in, sign-out and the person's own account page (personal information masked)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.accounts.services import personal_info_masked, personal_info_reveal
from tongban.accounts.signin import signin_check, signin_succeeded
from tongban.core.errors import TooManyAttempts


class LoginView(auth_views.LoginView):
    """Sign-in, behind the defences of `accounts.signin` (an attempt that must wait is
    answered 429 with the wait, before any password is checked)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            signin_check(request, request.POST.get("username", ""))
        except TooManyAttempts as exc:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, str(exc))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        signin_succeeded(self.request, response, form.get_user().get_username())
        return response


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
