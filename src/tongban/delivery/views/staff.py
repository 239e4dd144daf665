"""The delivery actions on a case's page (choose, reserve a compartment, ship), the pickup QR
on the applicant's phone, and the door-delivery run sheet with its hand-over page."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.accounts.models import STAFF_ROLES, User
from tongban.accounts.requests import request_user
from tongban.cases.models import Case
from tongban.cases.selectors import access_case
from tongban.core.pages import run_refusable
from tongban.delivery.identity import PICKUP_TOKEN_SECONDS, pickup_token
from tongban.delivery.models import Delivery, DoorHandover, LockerBank, LockerParcel
from tongban.delivery.services.choice import delivery_choose
from tongban.delivery.services.door import door_handover_done, door_handover_failed
from tongban.delivery.services.lockers import locker_reserve
from tongban.delivery.services.mail import mail_ship
from tongban.delivery.terms import city_districts
from tongban.hall.presenters import qr_data_uri


def _back(user: User, case: Case) -> HttpResponse:
    if user.has_role(*STAFF_ROLES) and user.pk not in (case.applicant_id, case.created_by_id):
        return redirect("cases:case", case_id=case.pk)
    return redirect("cases:mine_detail", case_id=case.pk)


@login_required
@require_POST
def choose(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = access_case(user, case_id)
    values = {
        k.removeprefix("delivery_"): v for k, v in request.POST.items() if k.startswith("delivery_")
    }
    return run_refusable(
        request,
        lambda: delivery_choose(case=case, actor=user, values=values),
        "领取方式已保存",
        lambda: _back(user, case),
    )


@login_required
@require_POST
def reserve(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = access_case(user, case_id)
    bank = LockerBank.objects.filter(code=request.POST.get("bank", "")).first()
    return run_refusable(
        request,
        lambda: locker_reserve(case=case, actor=user, bank=bank),
        "已预留格口，请持凭证到信包箱存入",
        lambda: _back(user, case),
    )


@login_required
@require_POST
def ship(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = access_case(user, case_id)
    return run_refusable(
        request, lambda: mail_ship(case=case, actor=user), "已下单寄出", lambda: _back(user, case)
    )


@login_required
def pickup_qr(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """The signed QR the applicant shows at the bank instead of an ID card (ten minutes)."""
    user = request_user(request)
    parcel = (
        LockerParcel.objects.select_related("compartment__bank", "case__item")
        .filter(pk=parcel_id)
        .first()
    )
    if parcel is None or not user.has_perm("cases.act_as_applicant", parcel.case):
        raise Http404("取件信息不存在")
    if parcel.state != LockerParcel.State.DEPOSITED:
        raise Http404("该取件已完成或已失效")
    token = pickup_token(parcel.pk, user)
    return render(
        request,
        "delivery/pickup_qr.html",
        {
            "parcel": parcel,
            "token": token,
            "qr": qr_data_uri(token),
            "minutes": PICKUP_TOKEN_SECONDS // 60,
        },
    )


def _run_sheet_day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def run_sheet(request: HttpRequest) -> HttpResponse:
    """送证上门 run sheet: the day's hand-overs, grouped by district, for the staff who may
    deliver them."""
    user = request_user(request)
    if not user.has_perm("delivery.view_run_sheet"):
        raise PermissionDenied("无权查看送证上门清单")
    day = _run_sheet_day(request)
    handovers = [
        h
        for h in DoorHandover.objects.filter(day=day)
        .select_related("case__item", "case__applicant")
        .prefetch_related("deliveries")
        if user.has_perm("cases.deliver_case", h.case)
    ]
    names = dict(city_districts())
    rows: list[dict[str, Any]] = []
    for h in handovers:
        first = next(iter(h.deliveries.all()), None)
        rows.append(
            {
                "handover": h,
                "delivery": first,
                "district": names.get(first.region_code, "其他") if first else "其他",
            }
        )
    rows.sort(key=lambda r: (r["district"], r["handover"].pk))
    groups = [
        (name, list(items)) for name, items in itertools.groupby(rows, key=lambda r: r["district"])
    ]
    return render(
        request, "delivery/run_sheet.html", {"day": day, "groups": groups, "count": len(rows)}
    )


@login_required
def handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    """The phone page at the door: the recipient signs, a photo is taken, done."""
    user = request_user(request)
    item = DoorHandover.objects.select_related("case__item").filter(pk=handover_id).first()
    if item is None or not user.has_perm("cases.deliver_case", item.case):
        raise Http404("送证上门任务不存在")
    if request.method == "POST":
        failed = request.POST.get("outcome") == "failed"

        def step() -> object:
            if failed:
                reason = request.POST.get("reason", "")
                return door_handover_failed(handover_id=item.pk, actor=user, reason=reason)
            signature = request.POST.get("signature", "")
            photo = request.FILES.get("photo")
            return door_handover_done(
                handover_id=item.pk, actor=user, signature=signature, photo=photo
            )

        done = "已登记未能送达，结果带回窗口" if failed else "已送达，办件已办结"
        back = lambda: redirect("delivery:handover", handover_id=item.pk)  # noqa: E731
        return run_refusable(request, step, done, back)
    delivery = Delivery.objects.filter(handover=item).first()
    return render(request, "delivery/handover.html", {"handover": item, "delivery": delivery})
