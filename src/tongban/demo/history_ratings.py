"""The ratings of the demo city's replayed year and their handling (see `demo.history`): who
rates what, how, and how the departments call back, verify, fix and appeal."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from tongban.accounts.models import Role, User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case
from tongban.core import clock
from tongban.demo.history_model import (
    APPEAL,
    BAD_IF_TROUBLE,
    CALLBACK_LATE,
    FIX_AT_ONCE,
    FIX_LATE,
    LEVELS,
    RATE_ONLINE,
    UPHELD,
    VALID,
    HistoryReport,
)
from tongban.ratings.models import BadRatingTask
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate


class RatingSteps:
    """Mixed into the replay: its queue, clock helpers and report are the replay's."""

    seed: int
    report: HistoryReport
    trouble: set[int]
    admin: User

    if TYPE_CHECKING:

        def at(self, moment: dt.datetime, kind: str, *data: Any) -> None: ...

        def working_days_later(
            self, moment: dt.datetime, days: int, rng: random.Random
        ) -> dt.datetime: ...

        def _case(self, pk: int) -> Case: ...

    # --- ratings and their handling --------------------------------------------------------

    def level(self, rng: random.Random, *, trouble: bool) -> int:
        weights = [w * (BAD_IF_TROUBLE if trouble and lvl <= 2 else 1.0) for lvl, w in LEVELS]
        return rng.choices([lvl for lvl, _ in LEVELS], weights)[0]

    def maybe_rate(self, case: Case, rng: random.Random) -> None:
        if case.bundle_case_id is not None:
            parent = BundleCase.objects.get(pk=case.bundle_case_id)
            if parent.state in ("completed", "closed") and rng.random() < RATE_ONLINE:
                self.at(
                    clock.now() + dt.timedelta(days=rng.uniform(0, 5)), "rate_bundle", parent.pk
                )
            return
        if case.state not in rate.RATEABLE_STATES or rng.random() > RATE_ONLINE:
            return
        self.at(clock.now() + dt.timedelta(days=rng.uniform(0, 5)), "rate_case", case.pk)

    def do_rate_case(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        rng = random.Random(f"{self.seed}-rate-{pk}")  # noqa: S311
        level = self.level(rng, trouble=pk in self.trouble)
        rating = rate.rating_case(
            actor=case.applicant,
            case=case,
            level=level,
            reason="办理过程反复，等待时间长" if level <= 2 else "",
            channel=rng.choice(["web", "message", "sms"]),
        )
        self.report.ratings += 1
        self.handle_if_bad(rating.pk, rng)

    def do_rate_bundle(self, when: dt.datetime, pk: int) -> None:
        parent = BundleCase.objects.get(pk=pk)
        rng = random.Random(f"{self.seed}-rate-bundle-{pk}")  # noqa: S311
        level = self.level(rng, trouble=False)
        rating = rate.rating_bundle(
            actor=parent.applicant,
            bundle_case=parent,
            level=level,
            reason="各部门要求不统一" if level <= 2 else "",
        )
        self.report.ratings += 1
        self.handle_if_bad(rating.pk, rng)

    def handle_if_bad(self, rating_pk: int, rng: random.Random) -> None:
        task = BadRatingTask.objects.filter(rating_id=rating_pk).first()
        if task is None:
            return
        now = clock.now()
        if rng.random() < APPEAL:
            self.at(self.working_days_later(now, 1, rng), "appeal", task.pk)
        late = 2 if rng.random() < CALLBACK_LATE else rng.choice([0, 1])
        self.at(self.working_days_later(now, late, rng), "task_step", task.pk)

    def _handler(self, task: BadRatingTask) -> User | None:
        """Who handles the task: the department's reviewer, else one of its staff (a window
        clerk's department may have no reviewer), else the hall's manager."""
        people = User.objects.filter(is_active=True).order_by("pk")
        if task.department_id is not None:
            staff = people.filter(department_id=task.department_id)
            return (
                staff.filter(role_grants__role=Role.REVIEWER).first()
                or staff.filter(role_grants__role__in=[Role.CLERK, Role.HALL_MANAGER]).first()
            )
        if task.hall_id is not None:
            return task.hall.managers.filter(is_active=True).order_by("pk").first()  # type: ignore[union-attr]
        return None

    def do_task_step(self, when: dt.datetime, pk: int) -> None:
        task = BadRatingTask.objects.select_related("rating").get(pk=pk)
        handler = self._handler(task)
        if handler is None or not task.is_open:
            return
        rng = random.Random(f"{self.seed}-task-{pk}-{task.state}")  # noqa: S311
        if task.state == BadRatingTask.State.CALLBACK:
            handling.task_callback(actor=handler, task=task, reached=True, note="已电话回访致歉")
            self.at(when + dt.timedelta(hours=1), "task_step", pk)
        elif task.state == BadRatingTask.State.VERIFY:
            valid = rng.random() < VALID
            handling.task_verify(
                actor=handler,
                task=task,
                valid=valid,
                reason="经调阅记录，情况属实" if valid else "经调阅记录，已一次告知到位",
            )
            if valid:
                self.at(when + dt.timedelta(hours=1), "task_step", pk)
        elif task.state == BadRatingTask.State.RECTIFY and not task.fix:
            at_once = rng.random() < FIX_AT_ONCE
            handling.task_fix(
                actor=handler,
                task=task,
                immediate=at_once,
                plan="加强一次性告知培训" if at_once else "优化办事指南并培训",
                evidence="培训签到表" if at_once else "",
                owner=handler,
            )
            if not at_once:
                days = 6 if rng.random() < FIX_LATE else rng.randint(1, 5)
                self.at(self.working_days_later(when, days, rng), "task_step", pk)
        elif task.state == BadRatingTask.State.RECTIFY:
            handling.task_fix_done(actor=handler, task=task, evidence="修订后的办事指南")

    def do_appeal(self, when: dt.datetime, pk: int) -> None:
        task = BadRatingTask.objects.select_related("rating").get(pk=pk)
        handler = self._handler(task)
        if handler is None or task.rating.excluded_at is not None:
            return
        appeal = handling.appeal_file(actor=handler, task=task, reason="评价与本部门服务无关")
        rng = random.Random(f"{self.seed}-appeal-{pk}")  # noqa: S311
        self.at(self.working_days_later(when, 1, rng), "decide_appeal", appeal.pk)

    def do_decide_appeal(self, when: dt.datetime, pk: int) -> None:
        from tongban.ratings.models import RatingAppeal

        appeal = RatingAppeal.objects.get(pk=pk)
        rng = random.Random(f"{self.seed}-decide-appeal-{pk}")  # noqa: S311
        upheld = rng.random() < UPHELD
        handling.appeal_decide(
            actor=self.admin,
            appeal=appeal,
            upheld=upheld,
            note="有录音为证，评价与服务无关" if upheld else "证据不足，维持评价",
        )
