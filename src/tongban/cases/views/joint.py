"""Joint review pages for staff: convene from a case under review, the one consolidated
opinion form (each department fills its own row), closing it, and the one decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tongban.accounts.models import Department, Role, User
from tongban.accounts.requests import request_user
from tongban.cases import selectors
from tongban.cases.joint_models import JointReview, JointReviewState, OpinionKind
from tongban.cases.models import Case
from tongban.cases.services.joint_review import (
    REVIEWABLE,
    joint_opinion_enter,
    joint_review_close,
    joint_review_convene,
    joint_review_decide,
    may_convene,
)


def _agenda(case: Case) -> list[Case]:
    if case.bundle_case_id is None:
        return [case]
    return list(
        Case.objects.filter(bundle_case_id=case.bundle_case_id, state__in=REVIEWABLE)
        .select_related("item", "department")
        .order_by("pk")
    )


@login_required
def joint_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.access_case(user, case_id, detail=True)
    if not may_convene(user, case):
        raise PermissionDenied("只有牵头部门的审查人员可以对审查中的办件发起联合审查")
    agenda = _agenda(case)
    departments = list(Department.objects.order_by("order", "pk"))
    invited = {c.department_id for c in agenda}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("case") if v.isdigit()}
        invited = {int(v) for v in request.POST.getlist("department") if v.isdigit()}
        raw = request.POST.get("meeting_at", "")
        try:
            meeting_at = timezone.make_aware(dt.datetime.fromisoformat(raw))
        except ValueError:
            errors["meeting_at"] = ["请填写会议时间"]
        else:
            try:
                review = joint_review_convene(
                    actor=user,
                    cases=[c for c in agenda if c.pk in chosen],
                    participants=[d for d in departments if d.pk in invited],
                    meeting_at=meeting_at,
                    place=request.POST.get("place", ""),
                    online=bool(request.POST.get("online")),
                    bundle_case=case.bundle_case,
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, "已发起联合审查，参与部门可在意见表中填写本部门意见")
                return redirect("cases:joint", review_id=review.pk)
    return render(
        request,
        "cases/joint_new.html",
        {
            "case": case,
            "agenda": agenda,
            "departments": [(d, d.pk in invited) for d in departments],
            "errors": errors,
        },
    )


def _review_for(user: User, review_id: int) -> JointReview:
    review = (
        JointReview.objects.select_related("lead_department", "bundle_case__bundle")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("联合审查不存在")
    involved = (
        user.department_id is not None
        and review.opinions.filter(department_id=user.department_id).exists()
    )
    if not (user.has_role(Role.ADMINISTRATOR) or (user.has_role(Role.REVIEWER) and involved)):
        raise Http404("联合审查不存在")
    return review


@login_required
def joint_page(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request_user(request)
    review = _review_for(user, review_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "opinion":
                joint_opinion_enter(
                    actor=user,
                    review=review,
                    opinion=request.POST.get("opinion", ""),
                    conditions=request.POST.get("conditions", ""),
                    legal_basis=request.POST.get("legal_basis", ""),
                )
                done = "本部门意见已提交"
            elif action == "close":
                joint_review_close(actor=user, review=review)
                done = "意见表已汇总"
            elif action == "decide":
                joint_review_decide(
                    actor=user,
                    review=review,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )
                done = "已作出决定"
            else:
                raise Http404("未知操作")
        except ValidationError as exc:
            errors = exc.message_dict
        except PermissionDenied as exc:
            errors = {"permission": [str(exc)]}
        else:
            messages.success(request, done)
            return redirect("cases:joint", review_id=review.pk)
        review.refresh_from_db()
    rows = list(review.opinions.select_related("department", "entered_by"))
    mine = next((r for r in rows if r.department_id == user.department_id), None)
    lead = user.department_id == review.lead_department_id or user.has_role(Role.ADMINISTRATOR)
    return render(
        request,
        "cases/joint.html",
        {
            "review": review,
            "agenda": review.cases.select_related("item", "department").order_by("pk"),
            "rows": rows,
            "mine": mine if review.state == JointReviewState.OPEN else None,
            "lead": lead,
            "complete": all(r.opinion for r in rows),
            "kinds": OpinionKind.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
