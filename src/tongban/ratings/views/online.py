"""Rating online: a completed case or 一件事 (一事一评), the rating's own page with its handling,
a follow-up (追评) and a new rating after a bad one was handled; and the public figures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tongban.accounts.requests import request_user
from tongban.cases.selectors import access_case
from tongban.core.pages import run_refusable
from tongban.ratings import figures as public
from tongban.ratings import presenters
from tongban.ratings.models import Rating
from tongban.ratings.selectors import bundle_case_for, rating_for
from tongban.ratings.services import rating as rate


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {
        "level": request.POST.get("level"),
        "indicators": {
            k.removeprefix("ind_"): v for k, v in request.POST.items() if k.startswith("ind_")
        },
        "reason": request.POST.get("reason", ""),
    }


def _channel(request: HttpRequest) -> str:
    came = request.POST.get("channel", "")
    return came if came in (Rating.Channel.MESSAGE, Rating.Channel.SMS) else Rating.Channel.WEB


def _form(
    request: HttpRequest, *, title: str, number: str | None, rateable: bool, may_rate: bool
) -> HttpResponse:
    return render(
        request,
        "ratings/rate.html",
        {
            "title": title,
            "number": number,
            "rateable": rateable,
            "may_rate": may_rate,
            "levels": presenters.LEVELS,
            "indicator_fields": presenters.indicator_fields(Rating.Kind.CASE),
            "channel": request.GET.get("via", ""),
        },
    )


@login_required
def rate_case(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = access_case(user, case_id)
    if case.bundle_case_id is not None:
        return redirect("ratings:bundle", bundle_case_id=case.bundle_case_id)
    existing = presenters.current_rating(case=case)
    if existing is not None:
        return redirect("ratings:rating", rating_id=existing.pk)
    if request.method == "POST":
        made: list[Rating] = []
        response = run_refusable(
            request,
            lambda: made.append(
                rate.rating_case(
                    actor=user, case=case, channel=_channel(request), **_posted(request)
                )
            ),
            "感谢您的评价",
            lambda: redirect("ratings:case", case_id=case.pk),
        )
        return redirect("ratings:rating", rating_id=made[0].pk) if made else response
    return _form(
        request,
        title=case.item.local_name,
        number=case.number,
        rateable=case.state in rate.RATEABLE_STATES,
        may_rate=user.has_perm("ratings.rate_case", case),
    )


@login_required
def rate_bundle(request: HttpRequest, bundle_case_id: int) -> HttpResponse:
    user = request_user(request)
    parent = bundle_case_for(user, bundle_case_id)
    existing = presenters.current_rating(bundle_case_id=parent.pk)
    if existing is not None:
        return redirect("ratings:rating", rating_id=existing.pk)
    if request.method == "POST":
        made: list[Rating] = []
        response = run_refusable(
            request,
            lambda: made.append(
                rate.rating_bundle(
                    actor=user, bundle_case=parent, channel=_channel(request), **_posted(request)
                )
            ),
            "感谢您的评价",
            lambda: redirect("ratings:bundle", bundle_case_id=parent.pk),
        )
        return redirect("ratings:rating", rating_id=made[0].pk) if made else response
    return _form(
        request,
        title=parent.bundle.local_name,
        number=parent.number,
        rateable=parent.state in ("completed", "closed"),
        may_rate=True,
    )


def _rating_for(request: HttpRequest, rating_id: int) -> Rating:
    return rating_for(request_user(request), rating_id)


@login_required
def rating_page(request: HttpRequest, rating_id: int) -> HttpResponse:
    user = request_user(request)
    rating = _rating_for(request, rating_id)
    return render(request, "ratings/rating.html", presenters.rating_out(rating, user))


@login_required
def follow_up(request: HttpRequest, rating_id: int) -> HttpResponse:
    user = request_user(request)
    rating = _rating_for(request, rating_id)
    if request.method != "POST":
        return redirect("ratings:rating", rating_id=rating.pk)
    return run_refusable(
        request,
        lambda: rate.rating_follow_up(actor=user, rating=rating, text=request.POST.get("text")),
        "追评已提交",
        lambda: redirect("ratings:rating", rating_id=rating.pk),
    )


@login_required
def rate_again(request: HttpRequest, rating_id: int) -> HttpResponse:
    user = request_user(request)
    rating = _rating_for(request, rating_id)
    if request.method != "POST":
        return redirect("ratings:rating", rating_id=rating.pk)
    made: list[Rating] = []
    response = run_refusable(
        request,
        lambda: made.append(rate.rating_again(actor=user, rating=rating, **_posted(request))),
        "感谢您再次评价",
        lambda: redirect("ratings:rating", rating_id=rating.pk),
    )
    return redirect("ratings:rating", rating_id=made[0].pk) if made else response


def figures_page(request: HttpRequest) -> HttpResponse:
    """公开评价指标: the city's ratings by department, item, hall, window and clerk."""
    dimension = request.GET.get("by", "department")
    if dimension not in public.DIMENSIONS:
        dimension = "department"
    return render(
        request,
        "ratings/figures.html",
        {
            "city": public.city_figure(),
            "rows": public.rating_figures(dimension),
            "dimension": dimension,
            "dimensions": list(public.DIMENSIONS.items()),
            "definitions": public.__doc__,
        },
    )
