"""A case's steps in the demo city's replayed year (see `demo.history`): pre-review,
correction, acceptance, review, special procedures, extension, decision, result and
delivery, each at its simulated moment."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import DeliveryMode
from tongban.core import clock
from tongban.delivery.models import Delivery, LockerCredential
from tongban.demo.delivery_seed import reviewer_for, through_locker, through_mail
from tongban.demo.field_seed import demo_inspect
from tongban.demo.history_model import (
    CORRECTION,
    DENY,
    EXTEND,
    LATE,
    REFUSE,
    SUSPEND,
    WITHDRAW,
)


class CaseSteps:
    """Mixed into the replay: its queue, clock helpers and report are the replay's."""

    seed: int
    clerk: User
    credential: LockerCredential | None
    trouble: set[int]

    if TYPE_CHECKING:

        def at(self, moment: dt.datetime, kind: str, *data: Any) -> None: ...

        def office(
            self, day: dt.date, rng: random.Random, *, after: float = 0.0
        ) -> dt.datetime: ...

        def working_days_later(
            self, moment: dt.datetime, days: int, rng: random.Random
        ) -> dt.datetime: ...

        def queue_pre_review(self, pk: int, moment: dt.datetime) -> None: ...

        def maybe_rate(self, case: Case, rng: random.Random) -> None: ...

    # --- a case's steps -----------------------------------------------------------------------

    def _case(self, pk: int) -> Case:
        return Case.objects.select_related("item", "applicant").get(pk=pk)

    def do_pre_review(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        if case.state != CaseState.SUBMITTED:
            return
        rng = random.Random(f"{self.seed}-pre-{pk}-{when:%j%H}")  # noqa: S311
        case = lc.case_start_pre_review(case=case, actor=self.clerk)
        draw = rng.random()
        if draw < REFUSE:
            lc.case_reject(case=case, actor=self.clerk, reason="申请事项不属于本部门职权范围")
            self.maybe_rate(case, rng)
            return
        given = case.materials.filter(material__source="applicant").first()
        if draw < REFUSE + CORRECTION and given is not None and pk not in self.trouble:
            lc.case_request_correction(
                case=case, actor=self.clerk, problems={given.material_id: "材料不清晰，请重新上传"}
            )
            self.trouble.add(pk)
            later = when + dt.timedelta(days=rng.uniform(1, 4))
            self.at(later, "resubmit", pk, given.material_id)
            return
        lc.case_accept(case=case, actor=self.clerk)
        self.after_acceptance(pk, rng)

    def do_resubmit(self, when: dt.datetime, pk: int, material_id: int) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tongban.demo.exchange_seed import PDF

        case = self._case(pk)
        if case.state != CaseState.CORRECTION:
            return
        upload = SimpleUploadedFile("补正材料.pdf", PDF, content_type="application/pdf")
        lc.case_resubmit(case=case, actor=case.applicant, files={material_id: upload})
        rng = random.Random(f"{self.seed}-resubmit-{pk}")  # noqa: S311
        self.queue_pre_review(pk, self.office(timezone.localdate(when), rng, after=1.0))

    def after_acceptance(self, pk: int, rng: random.Random) -> None:
        case = self._case(pk)
        now = clock.now()
        if rng.random() < WITHDRAW:
            self.at(now + dt.timedelta(days=rng.uniform(1, 3)), "withdraw", pk)
            return
        self.at(self.working_days_later(now, rng.choice([0, 1]), rng), "review", pk)
        promised = float(case.item.promised_limit_days or 1)
        if rng.random() < LATE:
            days = int(promised) + rng.randint(1, 3)
            self.trouble.add(pk)
        else:
            days = round(promised * rng.uniform(0.15, 0.85))  # 0: decided the day accepted
        self.at(self.working_days_later(now, days, rng), "decide", pk)

    def do_withdraw(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        if case.is_final:
            return
        lc.case_withdraw(case=case, actor=case.applicant, reason="已在别处办理")

    def do_review(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        if case.state != CaseState.ACCEPTED:
            return
        reviewer = reviewer_for(case)
        if reviewer is None:
            return
        case = lc.case_start_review(case=case, actor=reviewer)
        rng = random.Random(f"{self.seed}-review-{pk}")  # noqa: S311
        draw = rng.random()
        if draw < SUSPEND:
            lc.case_suspend(case=case, actor=reviewer, kind="expert_review", reason="专家评审")
            resume = self.working_days_later(when, rng.randint(5, 10), rng)
            self.at(resume, "resume", pk)
        elif draw < SUSPEND + EXTEND:
            lc.case_extend(case=case, actor=reviewer, working_days=5, reason="情况复杂需征求意见")

    def do_resume(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        if case.state != CaseState.SUSPENDED:
            return
        reviewer = reviewer_for(case)
        if reviewer is not None:
            lc.case_resume(case=case, actor=reviewer)

    def do_decide(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        rng = random.Random(f"{self.seed}-decide-{pk}")  # noqa: S311
        if case.state == CaseState.SUSPENDED:
            self.at(self.working_days_later(when, 2, rng), "decide", pk)
            return
        if case.state == CaseState.ACCEPTED:
            self.do_review(when, pk)
            case = self._case(pk)
        if case.state != CaseState.IN_REVIEW:
            return
        reviewer = reviewer_for(case)
        if reviewer is None:
            return
        deny = rng.random() < DENY
        if not deny:
            demo_inspect(case)
        case = lc.case_decide(
            case=case,
            actor=reviewer,
            decision="deny" if deny else "grant",
            reason="不符合法定条件" if deny else "",
        )
        case = lc.case_produce_result(case=case, actor=reviewer)
        self.deliver(case, rng)

    def deliver(self, case: Case, rng: random.Random) -> None:
        """The result reaches the person as they chose (an electronic one already has)."""
        if case.state == CaseState.RESULT_READY:
            delivery = Delivery.objects.filter(case=case).first()
            mode = delivery.mode if delivery is not None else DeliveryMode.WINDOW
            if mode == DeliveryMode.LOCKER and self.credential is not None:
                through_locker(case, self.clerk, self.credential)
            elif mode == DeliveryMode.MAIL:
                through_mail(case, self.clerk)
            else:  # window pickup: a visit, on a later day
                self.at(self.working_days_later(clock.now(), 1, rng), "pickup", case.pk)
                return
        self.maybe_rate(self._case(case.pk), rng)

    def do_pickup(self, when: dt.datetime, pk: int) -> None:
        case = self._case(pk)
        if case.state != CaseState.RESULT_READY:
            return
        case = lc.case_deliver(case=case, actor=self.clerk, mode="window", in_person=True)
        case = lc.case_complete(case=case, actor=self.clerk)
        self.maybe_rate(case, random.Random(f"{self.seed}-pickup-{pk}"))  # noqa: S311
