"""What the project pages show: the approval chain as a timeline (each stage's case, state,
days and who it waits on), the project's working days against its goal with the current
bottleneck named; the agent's work list; the service administration's figures; an outreach
day's figures from its cases."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tongban.cases.models import Case, CaseState, Decision
from tongban.catalog.bundles import BundleError, parse_bundle
from tongban.core import clock
from tongban.core.calendar import working_days_between
from tongban.projects.models import OutreachEvent, Project

DONE_STATES = {
    CaseState.DECIDED,
    CaseState.RESULT_READY,
    CaseState.DELIVERED,
    CaseState.COMPLETED,
}


@dataclass(frozen=True)
class Stage:
    key: str
    item: str
    department: str
    case: Case
    state_label: str
    started: dt.date | None
    finished: dt.date | None
    days: int | None
    promised: float
    waiting_on: str
    done: bool

    @property
    def late(self) -> bool:
        return self.days is not None and self.days > self.promised


def _waiting_on(case: Case, names: dict[str, str]) -> str:
    department = case.department.short_name
    state = case.state
    if state == CaseState.DRAFT:
        if case.waiting_for:
            return "等待前置事项：" + "、".join(names.get(k, k) for k in case.waiting_for)
        return "帮办代办员（待提交）"
    if state == CaseState.CORRECTION:
        return "帮办代办员（待补正）"
    if state in (CaseState.SUBMITTED, CaseState.PRE_REVIEW):
        return f"{department}（受理）"
    if state in (CaseState.ACCEPTED, CaseState.IN_REVIEW):
        return f"{department}（审查）"
    if state == CaseState.SUSPENDED:
        return f"{department}（特别程序）"
    return ""


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def stages(project: Project) -> list[Stage]:
    parent = project.bundle_case
    children = {
        c.bundle_key: c
        for c in Case.objects.filter(bundle_case=parent).select_related("item", "department")
    }
    names = {k: c.item.name for k, c in children.items()}
    try:
        order = [spec.key for spec in parse_bundle(parent.bundle.definition).items]
    except BundleError:  # a definition changed since: the children in the order made
        order = sorted(children, key=lambda k: children[k].pk)
    today = clock.localdate()
    out = []
    for key in [k for k in order if k in children]:
        case = children[key]
        started = _day(case.submitted_at)
        done = case.state in DONE_STATES and case.decision == Decision.GRANT
        finished = _day(case.decided_at) if case.decided_at else None
        end = finished or (None if case.is_final else today)
        out.append(
            Stage(
                key=key,
                item=case.item.name,
                department=case.department.short_name,
                case=case,
                state_label=str(case.get_state_display()),
                started=started,
                finished=finished,
                days=working_days_between(started, end) if started and end else None,
                promised=float(case.item.promised_limit_days),
                waiting_on="" if done or case.is_final else _waiting_on(case, names),
                done=done,
            )
        )
    return out


def project_days(project: Project) -> int | None:
    """Working days from the chain's submission to the permit (or to today while open)."""
    start = _day(project.bundle_case.submitted_at)
    if start is None:
        return None
    end = project.done_on or clock.localdate()
    return working_days_between(start, end)


def project_page(project: Project) -> dict[str, Any]:
    chain = stages(project)
    days = project_days(project)
    open_stages = [s for s in chain if not s.done and not s.case.is_final]
    bottleneck = max(open_stages, key=lambda s: (s.days or 0, s.key), default=None)
    return {
        "project": project,
        "stages": chain,
        "days": days,
        "goal": project.goal_days,
        "over_goal": days is not None and days > project.goal_days,
        "share_of_goal": min(100, round(100 * (days or 0) / project.goal_days))
        if project.goal_days
        else 0,
        "bottleneck": bottleneck,
    }


def agent_worklist(agent: Any) -> list[dict[str, Any]]:
    """The agent's open projects, each with what waits on whom."""
    rows = []
    for project in (
        Project.objects.filter(agent=agent, state=Project.State.OPEN)
        .select_related("enterprise", "bundle_case__bundle")
        .order_by("created_at")
    ):
        chain = stages(project)
        rows.append(
            {
                "project": project,
                "days": project_days(project),
                "waiting": [s for s in chain if s.waiting_on],
            }
        )
    return rows


def project_figures() -> dict[str, Any]:
    """Projects on time (permit within the goal), the median project's days, and each
    agent's open projects."""
    done = list(Project.objects.filter(state=Project.State.DONE).select_related("bundle_case"))
    days = [d for d in (project_days(p) for p in done) if d is not None]
    on_time = sum(1 for p, d in zip(done, days, strict=False) if d <= p.goal_days)
    workload = list(
        Project.objects.values("agent__real_name", "agent__username")
        .annotate(open=Count("pk", filter=Q(state=Project.State.OPEN)), total=Count("pk"))
        .order_by("-open", "agent__username")
    )
    return {
        "done": len(done),
        "on_time": on_time,
        "on_time_rate": round(on_time / len(days), 4) if days else None,
        "median_days": statistics.median(days) if days else None,
        "open": Project.objects.filter(state=Project.State.OPEN).count(),
        "workload": [
            {
                "agent": w["agent__real_name"] or w["agent__username"],
                "open": w["open"],
                "total": w["total"],
            }
            for w in workload
        ],
    }


def outreach_figures(event: OutreachEvent) -> dict[str, Any]:
    """An outreach day's figures, from the cases linked to it."""
    cases = Case.objects.filter(pk__in=event.links.values("case_id")).select_related("item")
    completed = [c for c in cases if c.state == CaseState.COMPLETED]
    return {
        "cases": cases.count(),
        "completed": len(completed),
        "items": sorted({c.item.name for c in cases}),
        "people_served": event.people_served,
    }
