"""差评核实整改 for staff: the department's tasks with their lights, each task's steps
(callback, verification, fix, evidence), appeals and their review, and the export in the
national platform's layout."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.core.downloads import csv_response
from tongban.core.pages import PAGE_REFUSALS, refusal_messages, run_refusable
from tongban.ratings import presenters
from tongban.ratings.figures import EXPORT_FIELDS, figures_export_rows, ratings_in
from tongban.ratings.models import BadRatingTask, RatingAppeal
from tongban.ratings.rules import OFFICIALS
from tongban.ratings.services import handling

EXPORT_ROLES = ("administrator", "hall_manager", "data_steward")


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_role(*OFFICIALS):
        raise PermissionDenied("仅工作人员可以处理差评")
    return user


def _visible_tasks(user: User):  # type: ignore[no-untyped-def]
    tasks = BadRatingTask.objects.select_related(
        "rating__case", "rating__bundle_case", "rating__window", "department", "hall"
    )
    if user.has_role("administrator", "hall_manager"):
        return tasks
    department = user.department_id
    return tasks.filter(department_id=department) if department else tasks.none()


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    state = request.GET.get("state", "open")
    tasks = _visible_tasks(user)
    if state == "open":
        tasks = tasks.exclude(state=BadRatingTask.State.CLOSED)
    elif state in BadRatingTask.State.values:
        tasks = tasks.filter(state=state)
    appeals = RatingAppeal.objects.filter(state=RatingAppeal.State.PENDING).select_related(
        "department", "rating"
    )
    return render(
        request,
        "ratings/tasks.html",
        {
            "tasks": [presenters.task_out(t) for t in tasks.order_by("opened_on", "pk")[:200]],
            "state": state,
            "states": [("open", "未办结"), *BadRatingTask.State.choices],
            "appeals": [a for a in appeals if user.has_perm("ratings.decide_appeal", a)],
            "may_export": user.has_role(*EXPORT_ROLES),
        },
    )


def _task(request: HttpRequest, task_id: int) -> tuple[User, BadRatingTask]:
    user = _staff(request)
    task = (
        BadRatingTask.objects.select_related(
            "rating__case__item", "rating__bundle_case", "rating__window", "rating__clerk"
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None or not user.has_perm("ratings.view_task", task):
        raise Http404("差评工单不存在")
    return user, task


@login_required
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task and its next step's form; POST reveals the rater's contact for the callback
    (audited), shown on this page only."""
    user, task = _task(request, task_id)
    contact = None
    if request.method == "POST":
        try:
            contact = handling.task_contact_reveal(actor=user, task=task)
        except PAGE_REFUSALS as exc:
            refusal_messages(request, exc)
    return render(request, "ratings/task.html", presenters.task_page(task, user, contact))


def _due(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"due": ["整改期限须为日期（年-月-日）"]}) from exc


@login_required
@require_POST
def task_step(request: HttpRequest, task_id: int, step: str) -> HttpResponse:
    user, task = _task(request, task_id)
    post = request.POST

    def run() -> object:
        if step == "callback":
            return handling.task_callback(
                actor=user, task=task, reached=post.get("reached") == "1", note=post.get("note")
            )
        if step == "verify":
            return handling.task_verify(
                actor=user, task=task, valid=post.get("valid") == "1", reason=post.get("reason")
            )
        if step == "fix":
            owner = User.objects.filter(pk=post.get("owner") or 0).first()
            return handling.task_fix(
                actor=user,
                task=task,
                immediate=post.get("immediate") == "1",
                plan=post.get("plan"),
                evidence=post.get("evidence", ""),
                owner=owner,
                due=_due(post.get("due", "")),
            )
        if step == "fixed":
            return handling.task_fix_done(actor=user, task=task, evidence=post.get("evidence"))
        if step == "appeal":
            return handling.appeal_file(actor=user, task=task, reason=post.get("reason"))
        raise Http404("没有这个步骤")

    return run_refusable(request, run, "已保存", lambda: redirect("ratings:task", task_id=task.pk))


@login_required
@require_POST
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = _staff(request)
    appeal = RatingAppeal.objects.filter(pk=appeal_id).first()
    if appeal is None:
        raise Http404("申诉不存在")
    return run_refusable(
        request,
        lambda: handling.appeal_decide(
            actor=user,
            appeal=appeal,
            upheld=request.POST.get("upheld") == "1",
            note=request.POST.get("note"),
        ),
        "复核意见已保存",
        lambda: redirect("ratings:tasks"),
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The ratings of a period as CSV in the national exchange layout (docs/operations.md)."""
    user = request_user(request)
    if not user.has_role(*EXPORT_ROLES):
        raise PermissionDenied("仅管理人员可以导出评价数据")
    try:
        start = _due(request.GET.get("from", ""))
        end = _due(request.GET.get("to", ""))
    except ValidationError as exc:
        raise ValidationError({"from": ["起止日期须为年-月-日"]}) from exc
    rows = figures_export_rows(ratings_in(start, end))
    return csv_response(rows, list(EXPORT_FIELDS), "好差评数据.csv")
