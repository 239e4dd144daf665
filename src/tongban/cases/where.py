"""Where a case is, in words the applicant reads: the step indicator (提交 → 受理 → 审查 →
决定 → 送达 → 办结) with what happens next, and the working-day clock's figures (half days,
and whether a completed case kept its promise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case, CaseState

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = CaseState
# The steps a case goes through, as the applicant sees them, and the states in which each
# is the current one.
CASE_STEPS: tuple[tuple[StrOrPromise, frozenset[str]], ...] = (
    (_("提交"), frozenset({S.DRAFT})),
    (_("受理"), frozenset({S.SUBMITTED, S.PRE_REVIEW, S.CORRECTION, S.REJECTED})),
    (_("审查"), frozenset({S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED})),
    (_("决定"), frozenset({S.DECIDED})),
    (_("送达"), frozenset({S.RESULT_READY})),
    (_("办结"), frozenset({S.DELIVERED, S.COMPLETED})),
)
# What happens next, in each state.
STEP_NEXT: dict[str, StrOrPromise] = {
    S.DRAFT: _("补全材料并提交后，由窗口审核是否受理。"),
    S.SUBMITTED: _("窗口正在审核申请材料；受理后开始计算办结时限。"),
    S.PRE_REVIEW: _("窗口正在预审申请材料；受理后开始计算办结时限。"),
    S.CORRECTION: _("请按补正要求重新提交材料，提交后窗口再次审核。"),
    S.ACCEPTED: _("已受理，审批部门将进行审查，在承诺期限前作出决定。"),
    S.IN_REVIEW: _("审批部门正在审查，将在承诺期限前作出决定。"),
    S.SUSPENDED: _("特别程序（如现场核查、听证）进行中，期间不计入办理时限。"),
    S.DECIDED: _("已作出决定，正在制作办理结果。"),
    S.RESULT_READY: _("办理结果已制作，正按您选择的方式送达。"),
    S.DELIVERED: _("结果已送达，即将办结。"),
    S.COMPLETED: _("已办结。"),
    S.REJECTED: _("不予受理，办理结束；原因见下。"),
    S.WITHDRAWN: _("申请已撤回，办理结束。"),
    S.TERMINATED: _("办理已终止；原因见下。"),
}


def case_steps(case: Case) -> dict[str, Any]:
    """The step indicator: each step done, current or to come, and what happens next. A case
    that stopped (withdrawn, terminated) stops at the step it had reached."""
    state = case.state
    reached = next((i for i, (_l, states) in enumerate(CASE_STEPS) if state in states), None)
    if reached is None:  # withdrawn or terminated: where it was when it stopped
        reached = 2 if case.accepted_on else (1 if case.submitted_at else 0)
    stopped = state in (S.REJECTED, S.WITHDRAWN, S.TERMINATED)
    done_all = state == S.COMPLETED
    steps = []
    for i, (label, _states) in enumerate(CASE_STEPS):
        status = "done" if i < reached or done_all else ("current" if i == reached else "todo")
        if stopped and i == reached:
            status = "stopped"
        steps.append({"label": str(label), "status": status})
    return {"steps": steps, "next": str(STEP_NEXT.get(state, ""))}


def working_days_text(days: float) -> str:
    """A count of working days as people say it: 1个工作日, 14个半工作日, 半个工作日."""
    if days < 0:
        return _("超出%(days)s") % {"days": working_days_text(-days)}
    whole = int(days)
    half = days - whole >= 0.25
    if half and whole == 0:
        return str(_("半个工作日"))
    if half:
        return _("%(n)s个半工作日") % {"n": whole}
    return _("%(n)s个工作日") % {"n": whole}


def clock_texts(clock: dict[str, Any]) -> dict[str, str]:
    """The clock's figures in words: the promise, what is left (or, once completed, the days
    used and whether the promise was kept)."""
    if not clock.get("started"):
        return {}
    texts = {
        "promised": working_days_text(clock["promised"]),
        "used": working_days_text(clock["used"]),
        "left": working_days_text(clock["left_exact"]),
    }
    if clock.get("completed"):
        texts["outcome"] = str(
            _("在承诺时限内办结") if clock["within_promise"] else _("超出承诺时限办结")
        )
    return texts
