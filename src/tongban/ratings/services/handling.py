"""差评核实整改: every bad rating becomes its department's task. A callback (回访) within one
working day for a named rating; a verification (valid, or not with a reason); a fix, at once
(立行立改) or planned with an owner and a deadline (限期整改, 5 working days by default) and
evidence; then the person is told the result and may rate again. Overdue steps go yellow
and red like cases and tell the hall's managers. A department may appeal a rating it holds
malicious or mistaken (申诉); a hall manager or administrator outside it decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import add_working_days, db_calendar
from tongban.core.errors import Conflict
from tongban.core.links import public_link
from tongban.notify.services import notify
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal, RatingPart, Warning

TEXT_MAX = 1000
T = BadRatingTask.State


def _text(value: Any, field: str, label: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [f"请填写{label}"]})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: [f"{label}不能超过{TEXT_MAX}字"]})
    return text


def task_open(rating: Rating, parts: Sequence[RatingPart]) -> BadRatingTask:
    """A bad rating's task, in the rating's transaction. A 一件事's is its lead department's
    (it coordinates every part); a window service's, its clerk's department or the hall's."""
    department_id = parts[0].department_id if parts else None
    if rating.bundle_case_id is not None:
        department_id = rating.bundle_case.bundle.lead_department_id  # type: ignore[union-attr]
    today = clock.localdate()
    named = rating.rater_id is not None
    task = BadRatingTask.objects.create(
        rating=rating,
        department_id=department_id,
        hall_id=rating.hall_id,
        state=T.CALLBACK if named else T.VERIFY,
        opened_on=today,
        callback_due=add_working_days(today, 1) if named else None,
        verify_due=add_working_days(today, settings.TONGBAN_RATING_VERIFY_DAYS),
    )
    audit_log(action="rating.task.open", obj=task, changes={"rating": rating.pk})
    handlers = _handlers(task)
    if handlers:
        notify(
            recipients=handlers,
            subject="差评待处理：请在1个工作日内回访" if named else "差评待核实（匿名评价）",
            body=f"收到一条{rating.get_level_display()}评价，请登录平台按期回访、核实和整改。",
            ref=f"rating-task:{task.pk}",
            channel_names=("inbox",),
        )
    return task


def _handlers(task: BadRatingTask) -> list[User]:
    staff = User.objects.filter(is_active=True)
    if task.department_id is not None:
        return list(
            staff.filter(
                department_id=task.department_id,
                role_grants__role__in=[Role.REVIEWER, Role.HALL_MANAGER],
            ).distinct()
        )
    if task.hall_id is not None:
        return list(task.hall.managers.filter(is_active=True))  # type: ignore[union-attr]
    return []


def _locked(task: BadRatingTask, actor: User, *states: str) -> BadRatingTask:
    locked = BadRatingTask.objects.select_for_update().select_related("rating").get(pk=task.pk)
    if not actor.has_perm("ratings.handle_task", locked):
        raise PermissionDenied("只有被评价部门的工作人员可以处理该差评")
    if locked.state not in states:
        raise Conflict(f"该差评当前为“{locked.get_state_display()}”，不能执行此步骤")
    return locked


@transaction.atomic
def task_contact_reveal(*, actor: User, task: BadRatingTask) -> dict[str, str]:
    """The named rater's name and phone, for the callback: shown to the department's
    handlers only, and every look is in the audit chain."""
    if not actor.has_perm("ratings.handle_task", task):
        raise PermissionDenied("只有被评价部门的工作人员可以查看评价人联系方式")
    rater = task.rating.rater
    if rater is None:
        raise Conflict("匿名评价没有联系方式")
    audit_log(
        action="rating.task.reveal_contact",
        obj=task,
        changes={"fields": ["real_name", "phone"], "subject": rater.pk},
    )
    return {"name": rater.real_name or rater.username, "phone": rater.phone}


@transaction.atomic
def task_callback(*, actor: User, task: BadRatingTask, reached: bool, note: Any) -> BadRatingTask:
    """回访: the call to the person who rated, and what they said (or that nobody answered)."""
    locked = _locked(task, actor, T.CALLBACK)
    locked.callback_note = _text(note, "note", "回访记录")
    locked.callback_reached = bool(reached)
    locked.callback_at = clock.now()
    locked.callback_by = actor
    locked.state = T.VERIFY
    locked.save()
    audit_log(action="rating.task.callback", obj=locked, changes={"reached": bool(reached)})
    return locked


@transaction.atomic
def task_verify(*, actor: User, task: BadRatingTask, valid: bool, reason: Any) -> BadRatingTask:
    """核实: is the complaint borne out? Not valid closes the task with the reason, told to
    the person; valid leads to the fix."""
    locked = _locked(task, actor, T.VERIFY)
    locked.finding = BadRatingTask.Finding.VALID if valid else BadRatingTask.Finding.NOT_VALID
    locked.finding_reason = _text(reason, "reason", "核实说明")
    locked.verified_at = clock.now()
    locked.verified_by = actor
    if valid:
        locked.state = T.RECTIFY
        locked.save()
    else:
        _close(locked, f"经核实，情况不属实：{locked.finding_reason}")
    audit_log(action="rating.task.verify", obj=locked, changes={"finding": locked.finding})
    return locked


@transaction.atomic
def task_fix(
    *,
    actor: User,
    task: BadRatingTask,
    immediate: bool,
    plan: Any,
    evidence: Any = "",
    owner: User | None = None,
    due: dt.date | None = None,
) -> BadRatingTask:
    """整改: at once (立行立改, with its evidence; the task closes), or planned (限期整改) with
    an owner and a deadline, default the city's working days from today."""
    locked = _locked(task, actor, T.RECTIFY)
    if locked.fix:
        raise Conflict("整改措施已登记，请在完成后提交整改佐证")
    locked.fix_plan = _text(plan, "plan", "整改措施")
    if immediate:
        locked.fix = BadRatingTask.Fix.IMMEDIATE
        locked.fix_evidence = _text(evidence, "evidence", "整改佐证")
        locked.fix_owner = actor
        locked.fixed_at = clock.now()
        _close(locked, f"已立行立改：{locked.fix_plan}")
    else:
        today = clock.localdate()
        deadline = due or add_working_days(today, settings.TONGBAN_RATING_FIX_DAYS)
        if deadline < today:
            raise ValidationError({"due": ["整改期限不能早于今天"]})
        if owner is None:
            raise ValidationError({"owner": ["请指定整改责任人"]})
        if not owner.is_active or owner.department_id != locked.department_id:
            raise ValidationError({"owner": ["整改责任人须为本部门在岗工作人员"]})
        locked.fix = BadRatingTask.Fix.PLANNED
        locked.fix_owner = owner
        locked.fix_due = deadline
        locked.warning = _warning(deadline, today)
        locked.save()
    audit_log(
        action="rating.task.fix",
        obj=locked,
        changes={"fix": locked.fix, "due": str(locked.fix_due or "")},
    )
    return locked


@transaction.atomic
def task_fix_done(*, actor: User, task: BadRatingTask, evidence: Any) -> BadRatingTask:
    """A planned fix made: its evidence; the task closes and the person is told."""
    locked = _locked(task, actor, T.RECTIFY)
    if locked.fix != BadRatingTask.Fix.PLANNED:
        raise Conflict("请先登记整改措施")
    locked.fix_evidence = _text(evidence, "evidence", "整改佐证")
    locked.fixed_at = clock.now()
    _close(locked, f"已按期整改：{locked.fix_plan}")
    audit_log(action="rating.task.fixed", obj=locked, changes={"on_time": fixed_on_time(locked)})
    return locked


def fixed_on_time(task: BadRatingTask) -> bool | None:
    if task.fixed_at is None:
        return None
    if task.fix_due is None:
        return True
    return timezone.localdate(task.fixed_at) <= task.fix_due


def _close(task: BadRatingTask, result: str) -> None:
    """The task ends; the person (when named) is told the result and invited to rate again."""
    task.state = T.CLOSED
    task.result_text = result
    task.closed_at = clock.now()
    task.warning = Warning.NONE
    task.save()
    rating = task.rating
    if rating.rater_id is not None:
        link = public_link(reverse("ratings:rating", args=[rating.pk]))
        notify(
            recipients=[rating.rater],  # type: ignore[list-item]
            subject="您的评价已处理",
            body=f"{result}。如仍有意见，可再次评价：{link}",
            ref=f"rating:{rating.pk}",
            channel_names=("inbox", "sms"),
        )


def _warning(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return Warning.NONE
    if today > due:
        return Warning.RED
    if today == due:
        return Warning.YELLOW
    return Warning.NONE


def step_due(task: BadRatingTask) -> dt.date | None:
    """The deadline of the step the task waits on."""
    if task.state == T.CALLBACK:
        return task.callback_due
    if task.state == T.VERIFY:
        return task.verify_due
    if task.state == T.RECTIFY:
        return task.fix_due if task.fix == BadRatingTask.Fix.PLANNED else task.verify_due
    return None


def tasks_warnings_sweep(*, on: dt.date | None = None) -> dict[str, int]:
    """Recompute every open task's light; a task turning yellow or red tells the hall's
    managers (and the department's handlers). Idempotent."""
    today = on or clock.localdate()
    db_calendar()  # a missing year of the calendar fails here, loudly, not per task
    changed = {"yellow": 0, "red": 0, "none": 0}
    for task in BadRatingTask.objects.exclude(state=T.CLOSED).select_related("hall"):
        warning = _warning(step_due(task), today)
        if warning == task.warning:
            continue
        with transaction.atomic():
            updated = BadRatingTask.objects.filter(pk=task.pk, warning=task.warning).update(
                warning=warning
            )
            if not updated:
                continue
            audit_log(
                action="rating.task.warning", obj=task, changes={"warning": [task.warning, warning]}
            )
            if warning:
                _warn(task, warning)
        changed[warning or "none"] += 1
    return changed


def _warn(task: BadRatingTask, warning: str) -> None:
    managers = (
        list(task.hall.managers.filter(is_active=True))
        if task.hall is not None
        else list(User.objects.filter(is_active=True, role_grants__role=Role.HALL_MANAGER))
    )
    recipients = {u.pk: u for u in [*managers, *_handlers(task)]}.values()
    label = "已超期" if warning == Warning.RED else "今日到期"
    notify(
        recipients=list(recipients),
        subject=f"差评处理{label}",
        body=f"差评（{task.get_state_display()}）{label}，请督促按期处理。",
        ref=f"rating-task:{task.pk}",
        channel_names=("inbox",),
    )


# --- appeals ----------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, actor: User, task: BadRatingTask, reason: Any) -> RatingAppeal:
    """申诉: the rated department holds the rating malicious or mistaken."""
    locked = BadRatingTask.objects.select_for_update().select_related("rating").get(pk=task.pk)
    if not actor.has_perm("ratings.appeal", locked):
        raise PermissionDenied("只有被评价部门的工作人员可以申诉")
    if locked.rating.excluded_at is not None:
        raise Conflict("该评价已不计入统计，无需申诉")
    text = _text(reason, "reason", "申诉理由")
    department_id = locked.department_id or actor.department_id
    if department_id is None:
        raise Conflict("申诉须以部门名义提出，请由所属部门的工作人员申诉")
    try:
        with transaction.atomic():
            appeal = RatingAppeal.objects.create(
                rating=locked.rating,
                department_id=department_id,
                reason=text,
                filed_by=actor,
                filed_at=clock.now(),
            )
    except IntegrityError as exc:
        raise Conflict("该评价已有待复核的申诉") from exc
    audit_log(action="rating.appeal.file", obj=appeal, changes={"rating": locked.rating_id})
    reviewers = User.objects.filter(
        is_active=True, role_grants__role__in=[Role.HALL_MANAGER, Role.ADMINISTRATOR]
    ).exclude(department_id=appeal.department_id)
    notify(
        recipients=list(reviewers.distinct()),
        subject="差评申诉待复核",
        body="有部门对一条差评提出申诉，请复核（申诉部门的人员不能复核）。",
        ref=f"rating-task:{locked.pk}",
        channel_names=("inbox",),
    )
    return appeal


@transaction.atomic
def appeal_decide(*, actor: User, appeal: RatingAppeal, upheld: bool, note: Any) -> RatingAppeal:
    """复核: upheld excludes the rating from the figures (it stays, marked) and ends its task;
    dismissed leaves both as they were."""
    locked = RatingAppeal.objects.select_for_update().select_related("rating").get(pk=appeal.pk)
    if not actor.has_perm("ratings.decide_appeal", locked):
        raise PermissionDenied("申诉须由申诉部门以外的大厅管理员或系统管理员复核")
    if locked.state != RatingAppeal.State.PENDING:
        raise Conflict("该申诉已复核")
    locked.decision_note = _text(note, "note", "复核意见")
    locked.state = RatingAppeal.State.UPHELD if upheld else RatingAppeal.State.DISMISSED
    locked.decided_by = actor
    locked.decided_at = clock.now()
    locked.save()
    if upheld:
        rating = locked.rating
        rating.excluded_at = locked.decided_at
        rating.exclusion_reason = locked.decision_note
        rating.save(update_fields=["excluded_at", "exclusion_reason"])
        task = BadRatingTask.objects.select_for_update().filter(rating=rating).first()
        if task is not None and task.is_open:
            task.state = T.CLOSED
            task.result_text = f"申诉成立，该评价不计入统计：{locked.decision_note}"
            task.closed_at = locked.decided_at
            task.warning = Warning.NONE
            task.save()
    audit_log(action="rating.appeal.decide", obj=locked, changes={"state": locked.state})
    return locked
