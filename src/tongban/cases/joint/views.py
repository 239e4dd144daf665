"""Joint review pages for staff: convene from a case under review, the one consolidated
opinion form (each department fills its own row), closing it, and the one decision."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.cases import selectors
from tongban.cases.joint.models import JointReview
from tongban.cases.joint.presenters import joint_new_page, joint_review_page
from tongban.cases.joint.schemas import ConveneIn, JointDecideIn, OpinionIn
from tongban.cases.joint.selectors import access_joint_review, departments_all, joint_agenda
from tongban.cases.joint.services import (
    joint_opinion_enter,
    joint_review_close,
    joint_review_convene,
    joint_review_decide,
    may_convene,
)
from tongban.core.errors import ValidationError
from tongban.core.posted import posted


@login_required
def joint_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.access_case(user, case_id, detail=True)
    if not may_convene(user, case):
        raise PermissionDenied("只有牵头部门的审查人员可以对审查中的办件发起联合审查")
    agenda, departments = joint_agenda(case), departments_all()
    if request.method != "POST":
        return render(request, "cases/joint_new.html", joint_new_page(case, agenda, departments))
    try:
        form = posted(ConveneIn, request.POST)
        review = joint_review_convene(
            actor=user,
            cases=[c for c in agenda if c.pk in form.case],
            participants=[d for d in departments if d.pk in form.department],
            meeting_at=form.meeting_at,
            place=form.place,
            online=form.online,
            bundle_case=case.bundle_case,
        )
    except ValidationError as exc:
        invited = {int(v) for v in request.POST.getlist("department") if v.isdigit()}
        page = joint_new_page(case, agenda, departments, invited, exc.message_dict)
        return render(request, "cases/joint_new.html", page)
    messages.success(request, "已发起联合审查，参与部门可在意见表中填写本部门意见")
    return redirect("cases:joint", review_id=review.pk)


# The steps on the opinion form: what each posts, the service it calls, what it says.
JOINT_STEPS: dict[str, tuple[str, Callable[[User, JointReview, HttpRequest], object]]] = {
    "opinion": (
        "本部门意见已提交",
        lambda u, r, q: joint_opinion_enter(
            actor=u, review=r, **posted(OpinionIn, q.POST).model_dump()
        ),
    ),
    "close": ("意见表已汇总", lambda u, r, q: joint_review_close(actor=u, review=r)),
    "decide": (
        "已作出决定",
        lambda u, r, q: joint_review_decide(
            actor=u, review=r, **posted(JointDecideIn, q.POST).model_dump()
        ),
    ),
}


@login_required
def joint_page(request: HttpRequest, review_id: int) -> HttpResponse:
    user = request_user(request)
    review = access_joint_review(user, review_id)
    if request.method != "POST":
        return render(request, "cases/joint.html", joint_review_page(review, user))
    step = JOINT_STEPS.get(request.POST.get("action", ""))
    if step is None:
        raise Http404("未知操作")
    done, run = step
    try:
        run(user, review, request)
    except (ValidationError, PermissionDenied) as exc:
        errors = getattr(exc, "message_dict", None) or {"permission": [str(exc)]}
        review.refresh_from_db()
        page = joint_review_page(review, user, errors)
        return render(request, "cases/joint.html", page, status=400)
    messages.success(request, done)
    return redirect("cases:joint", review_id=review.pk)
