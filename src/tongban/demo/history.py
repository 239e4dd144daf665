"""A year of the demo city (`tongban demo history --days 365`), replayed through the services
themselves with the platform clock set to each moment, so that deadlines, working days,
audit times and the scoreboard's figures are those the city would have had.

The model (deterministic for a seed; every rate is a documented constant below):

- **Arrivals.** `PER_DAY` applications on an average working day at scale 1, × the weekday
  (`WEEKDAY`: Monday's peak, Friday's dip) × the month (`MONTH`: the Spring Festival's
  February, March's catch-up, December's year end); weekends and holidays `OFF_DAY` of it.
  Within a day, online applications follow `ONLINE_HOURS`; in-person ones wait for the
  hall's next working day, which the hall's own day model replays (`hall_seed.PROFILE`),
  half of its tickets being applications (`HALL_APPLICATIONS`), the rest consultations.
- **Items.** `ENTERPRISE_SHARE` of applications are enterprises'. Items are drawn with the
  weights of `ITEM_WEIGHTS` (by basic code; everything else 1). `BUNDLE_SHARE` of enterprise
  arrivals apply for the bookstore 一件事 instead (online).
- **Channel.** An item that needs no visit is applied for online with `ONLINE_IF_NO_VISIT`;
  one that needs a visit, `ONLINE_IF_VISIT` (the rest at the hall's windows, where a clerk
  applies for the person and accepts the case at once: one visit). So the online share is
  the catalogue's: what its items allow.
- **Handling.** Pre-review within office hours; `CORRECTION` ask for a correction (the
  person resubmits in 1–4 days), `REFUSE` are refused (不予受理), `WITHDRAW` are withdrawn;
  `SUSPEND` go through a special procedure of 5–10 working days, `EXTEND` are extended by
  5 working days; the decision comes after 15–85 % of the promised days (`LATE` of cases
  run 1–3 days over); `DENY` are denied. Results go out as each applicant chose
  (electronic, locker, mail or window pickup: the last a visit).
- **Ratings.** `RATE_ONLINE` of completed cases are rated online within 5 days, and
  `RATE_PAD` of hall services at the window's pad; levels by `LEVELS`, `BAD_IF_TROUBLE` times
  likelier to be bad after a correction or a late decision. Every named bad rating is
  called back (`CALLBACK_LATE` a day late), verified (`VALID` borne out), fixed at once
  (`FIX_AT_ONCE`) or planned and made in time (`FIX_LATE` late); `APPEAL` of bad ratings
  are appealed, `UPHELD` of those upheld by the administrator.

Days already replayed are skipped, so the command can be run again to extend the history.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case, CaseState, Channel
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import Audience, Bundle, DeliveryMode, ServiceItem
from tongban.core import clock
from tongban.core.calendar import db_calendar
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.delivery.models import Delivery, LockerCredential
from tongban.demo.delivery_seed import _reviewer, _through_locker, _through_mail
from tongban.demo.exchange_seed import _people, demo_apply
from tongban.demo.hall_seed import (
    demo_hall_history,
)
from tongban.hall.models import Hall, Ticket
from tongban.hall.services.console import ticket_accept_case
from tongban.ratings.models import BadRatingTask, RatingPad
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate
from tongban.ratings.services.invitations import invitations_sweep
from tongban.ratings.services.pads import rating_pad_setup

PER_DAY = 24.0
# Monday … Sunday; a weekend day is a working day only when the calendar makes it one (调休).
WEEKDAY = (1.25, 1.05, 1.0, 0.95, 0.85, 1.0, 1.0)
MONTH = {1: 1.05, 2: 0.7, 3: 1.2, 4: 1.05, 5: 1.0, 6: 1.05}
MONTH |= {7: 0.95, 8: 0.9, 9: 1.05, 10: 0.9, 11: 1.0, 12: 1.1}
OFF_DAY = 0.15  # a weekend or holiday's applications (online, or waiting for the hall)
# Relative online arrivals per hour, 0–23: evenings matter online.
ONLINE_HOURS: tuple[float, ...] = (0.1, 0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.5, 1.0, 1.5, 1.6)
ONLINE_HOURS += (1.4, 0.9, 0.9, 1.3, 1.4, 1.3, 1.0, 0.8, 0.9, 1.0, 0.9, 0.6, 0.3)
ITEM_WEIGHTS = {
    "000203002000": 8.0,  # 社会保障卡申领
    "000105001000": 4.0,  # 企业设立登记
    "000105002000": 3.0,  # 个体工商户登记
    "000105013000": 3.0,  # 食品经营许可
}
BUNDLE_SHARE = 0.03
ENTERPRISE_SHARE = 0.3
# The share of the hall's tickets that are applications (the rest: consultations, errands).
HALL_APPLICATIONS = 0.5
HALL_DAY_TICKETS = 138.0  # hall_seed.DAY_MIX's tickets on an average day
ONLINE_IF_NO_VISIT = 0.85
ONLINE_IF_VISIT = 0.45
CORRECTION, REFUSE, WITHDRAW = 0.10, 0.02, 0.015
SUSPEND, EXTEND, LATE, DENY = 0.03, 0.02, 0.04, 0.03
RATE_ONLINE, RATE_PAD = 0.35, 0.65
LEVELS = ((5, 0.78), (4, 0.15), (3, 0.045), (2, 0.017), (1, 0.008))
BAD_IF_TROUBLE = 4.0
CALLBACK_LATE, VALID, FIX_AT_ONCE, FIX_LATE = 0.03, 0.6, 0.7, 0.1
APPEAL, UPHELD = 0.1, 0.5
KEY = "hist"


@dataclasses.dataclass
class HistoryReport:
    days: int = 0
    skipped: int = 0
    cases: int = 0
    bundles: int = 0
    tickets: int = 0
    ratings: int = 0
    refused: int = 0
    # What the platform refused, by step and reason (a replay step it would not take).
    refusals: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)


Progress = Callable[[dt.date, HistoryReport], None]


@dataclasses.dataclass(frozen=True)
class Arrival:
    """One application to make: `item` None for the bookstore 一件事."""

    key: str
    person: User
    item: ServiceItem | None
    enterprise: Any
    online: bool


def _at(day: dt.date, hours: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(hours=hours)


class Replay:
    """The year's event queue: each event is a step of one case (or rating) at a moment; the
    days are replayed in order and each day's events in time order."""

    def __init__(self, seed: int, scale: float) -> None:
        self.seed = seed
        self.scale = scale
        self.calendar = db_calendar()
        self.events: list[tuple[dt.datetime, int, str, tuple[Any, ...]]] = []
        self.counter = itertools.count()
        self.report = HistoryReport()
        self.people, self.enterprises = _people(random.Random(2026))  # noqa: S311
        self.admin = User.objects.get(username="admin")
        self.clerk = User.objects.get(username="clerk")
        self.credential = LockerCredential.objects.filter(
            holder=self.clerk, revoked_at__isnull=True
        ).first()
        published = (
            ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)
            .select_related("department")
            .order_by("code")
        )
        self.person_items = list(published.filter(audience__in=[Audience.PERSON, Audience.BOTH]))
        self.enterprise_items = list(
            published.filter(audience__in=[Audience.ENTERPRISE, Audience.BOTH])
        )
        self.bundle = Bundle.objects.filter(code="open-bookstore", active=True).first()
        self.trouble: set[int] = set()  # cases corrected or decided late: rated worse
        self.queued: set[int] = set()  # cases whose pre-review is scheduled
        # In-person applications waiting for the hall (weekend ones wait for Monday).
        self.hall_queue: list[Arrival] = []

    # --- the queue -----------------------------------------------------------------------

    def at(self, moment: dt.datetime, kind: str, *data: Any) -> None:
        """Schedule a step; never before the moment being replayed (a step cannot precede
        what caused it)."""
        now = clock.replay_moment()
        if now is not None and moment <= now:
            moment = now + dt.timedelta(minutes=1)
        heapq.heappush(self.events, (moment, next(self.counter), kind, data))

    def office(self, day: dt.date, rng: random.Random, *, after: float = 0.0) -> dt.datetime:
        """A moment in office hours (09:00–17:00) on `day` or the next working day."""
        while not self.calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return _at(day, max(9.0 + after, 9.0) + rng.random() * max(8.0 - after, 0.5))

    def working_days_later(self, moment: dt.datetime, days: int, rng: random.Random) -> dt.datetime:
        day = timezone.localdate(moment)
        if days > 0:
            day = self.calendar.add_working_days(day, days)
        return self.office(day, rng)

    def run_until(self, moment: dt.datetime) -> None:
        while self.events and self.events[0][0] < moment:
            when, _, kind, data = heapq.heappop(self.events)
            with clock.replaying_at(when):
                try:
                    with transaction.atomic():
                        getattr(self, f"do_{kind}")(when, *data)
                except PAGE_REFUSALS as exc:
                    self.refused(kind, exc)  # a step the platform refused: the case waits

    def refused(self, step: str, exc: Exception) -> None:
        self.report.refused += 1
        self.report.refusals[f"{step}: {refusal_text(exc)[:60]}"] += 1

    # --- arrivals ---------------------------------------------------------------------------

    def day(self, day: dt.date, hall: Hall | None) -> None:
        """One day: its applications drawn (the online ones at their hour; the in-person ones
        wait for the hall's next working day), the hall's day, the evening sweeps."""
        rng = random.Random(f"{self.seed}-{day.isoformat()}")  # noqa: S311
        working = self.calendar.is_working_day(day)
        volume = PER_DAY * self.scale * MONTH[day.month]
        volume *= WEEKDAY[day.weekday()] if working else OFF_DAY
        total = sum(ONLINE_HOURS)
        n = 0
        for hour, weight in enumerate(ONLINE_HOURS):
            for _ in range(_poisson(rng, volume * weight / total)):
                n += 1
                arrival = self.arrival(day, n)
                if arrival.online:
                    self.at(_at(day, hour + rng.random()), "arrive", arrival)
                else:
                    self.hall_queue.append(arrival)
        if working:
            self.at(_at(day, 8.5), "catch_up")
        self.run_until(_at(day, 9.0))
        if working and hall is not None and self.hall_queue:
            # The hall's day: the waiting in-person applications and, as many again,
            # consultations and errands that open no case.
            tickets = len(self.hall_queue) / HALL_APPLICATIONS
            self.report.tickets += demo_hall_history(
                hall,
                day=day,
                scale=tickets / HALL_DAY_TICKETS,
                on_start=lambda ticket, clerk: self.window_case(ticket, clerk, day),
                on_finish=lambda ticket, clerk: self.pad_rating(ticket, day),
            )
        self.run_until(_at(day, 20.0))
        with clock.replaying_at(_at(day, 20.0)):
            invitations_sweep()
            handling.tasks_warnings_sweep(on=day)
        self.run_until(_at(day + dt.timedelta(days=1), 0.0))

    def _pick_item(self, rng: random.Random, items: list[ServiceItem]) -> ServiceItem:
        weights = [ITEM_WEIGHTS.get(i.basic_code, 1.0) for i in items]
        return rng.choices(items, weights)[0]

    def arrival(self, day: dt.date, n: int) -> Arrival:
        """Who applies for what, and whether online: by what the item allows (an item that
        needs no visit is mostly applied for online)."""
        rng = random.Random(f"{self.seed}-{day.isoformat()}-{n}")  # noqa: S311
        key = f"{KEY}-{day:%Y%m%d}-{n}"
        if rng.random() < ENTERPRISE_SHARE:
            index = rng.randrange(len(self.enterprises))
            enterprise, person = self.enterprises[index], self.people[index]
            if self.bundle is not None and rng.random() < BUNDLE_SHARE:
                return Arrival(key, person, None, enterprise, online=True)
            item = self._pick_item(rng, self.enterprise_items)
        else:
            enterprise, person = None, rng.choice(self.people)
            item = self._pick_item(rng, self.person_items)
        online = ONLINE_IF_NO_VISIT if item.visits_required == 0 else ONLINE_IF_VISIT
        return Arrival(key, person, item, enterprise, online=rng.random() < online)

    def do_arrive(self, when: dt.datetime, arrival: Arrival) -> None:
        rng = random.Random(f"{self.seed}-{arrival.key}")  # noqa: S311
        if arrival.item is None:
            self.bundle_arrive(arrival.person, arrival.key, rng)
            return
        case = demo_apply(arrival.person, arrival.item, arrival.enterprise, rng, arrival.key)
        if case is not None:
            self.report.cases += 1
            self.queue_pre_review(case.pk, self.office(timezone.localdate(when), rng, after=1.0))

    def queue_pre_review(self, pk: int, moment: dt.datetime) -> None:
        self.queued.add(pk)
        self.at(moment, "pre_review", pk)

    def do_catch_up(self, when: dt.datetime) -> None:
        """Each working morning: submitted cases nobody has scheduled yet (a 一件事's child
        dispatched when the result it waited for was made) go to pre-review today."""
        rng = random.Random(f"{self.seed}-catch-up-{when:%Y%m%d}")  # noqa: S311
        waiting = Case.objects.filter(state=CaseState.SUBMITTED).exclude(pk__in=self.queued)
        for pk in waiting.values_list("pk", flat=True):
            self.queue_pre_review(pk, self.office(timezone.localdate(when), rng, after=1.0))

    def bundle_arrive(self, handler: User, key: str, rng: random.Random) -> None:
        """The bookstore 一件事 by a company being set up: through the bundle's services."""
        from tongban.cases.bundles.services import bundle_start, bundle_submit

        if self.bundle is None:
            return
        parent = bundle_start(
            actor=handler,
            bundle=self.bundle,
            applicant=handler,
            enterprise=handler.enterprises.first(),
            choices={"drinks": rng.choice(["yes", "no"])},
            idempotency_key=key,
        )
        data, files = _bundle_submission(parent, rng)
        bundle_submit(parent=parent, actor=handler, data=data, files=files)
        self.report.bundles += 1
        # Its children reach their departments as their dependencies allow: the daily
        # catch-up (`do_catch_up`) sends each one in when it is submitted.

    # --- the window's work (hooks of the hall day) -------------------------------------------

    def window_case(self, ticket: Ticket, clerk: User, day: dt.date) -> None:
        try:
            with transaction.atomic():
                self._window_case(ticket, clerk)
        except PAGE_REFUSALS as exc:
            self.refused("window", exc)

    def _window_case(self, ticket: Ticket, clerk: User) -> None:
        """At the window, the clerk applies for the next waiting person and accepts the
        case at once (one visit); other tickets are consultations and errands."""
        rng = random.Random(f"{self.seed}-ticket-{ticket.pk}")  # noqa: S311
        if not self.hall_queue or rng.random() > HALL_APPLICATIONS:
            return
        arrival = self.hall_queue.pop(0)
        assert arrival.item is not None  # noqa: S101 — bundles are applied for online
        case = demo_apply(
            arrival.person,
            arrival.item,
            arrival.enterprise,
            rng,
            arrival.key,
            actor=clerk,
            channel=Channel.WINDOW,
        )
        if case is None:
            return
        self.report.cases += 1
        self.queued.add(case.pk)
        ticket_accept_case(user=clerk, ticket_id=ticket.pk, case=case)
        self.after_acceptance(case.pk, rng)

    def pad_rating(self, ticket: Ticket, day: dt.date) -> None:
        try:
            with transaction.atomic():
                self._pad_rating(ticket)
        except PAGE_REFUSALS as exc:
            self.refused("pad", exc)

    def _pad_rating(self, ticket: Ticket) -> None:
        rng = random.Random(f"{self.seed}-pad-{ticket.pk}")  # noqa: S311
        window = ticket.window
        if window is None or rng.random() > RATE_PAD:
            return
        pad = RatingPad.objects.filter(window=window).select_related("device").first()
        if pad is None:
            issued = rating_pad_setup(window=window, name=f"{window.hall.name}{window.label}评价器")
            pad = RatingPad.objects.select_related("device").get(device=issued.device)
        rating = rate.rating_pad(
            device=pad.device,
            ticket_id=ticket.pk,
            level=self.level(rng, trouble=False),
            anonymous=rng.random() < 0.3,
        )
        self.report.ratings += 1
        self.handle_if_bad(rating.pk, rng)

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
        reviewer = _reviewer(case)
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
        reviewer = _reviewer(case)
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
        reviewer = _reviewer(case)
        if reviewer is None:
            return
        deny = rng.random() < DENY
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
                _through_locker(case, self.clerk, self.credential)
            elif mode == DeliveryMode.MAIL:
                _through_mail(case, self.clerk)
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


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    if mean <= 0:
        return 0
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _bundle_submission(
    parent: BundleCase, rng: random.Random
) -> tuple[dict[str, Any], dict[str, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.cases.bundles.services import (
        bundle_case_form,
        bundle_case_guide,
        bundle_form_materials,
    )
    from tongban.demo.exchange_seed import PDF
    from tongban.forms.synthetic import fill_form

    merged = bundle_case_form(parent)
    data = fill_form(merged.schema, parent.choices, {}, rng)
    guide = bundle_case_guide(parent)
    online = bundle_form_materials(list(parent.children.all()), guide)
    files = {
        m.name: SimpleUploadedFile(f"{m.name[:20]}.pdf", PDF, content_type="application/pdf")
        for m in guide.materials
        if m.source == "applicant" and m.requirement == "required" and m.name not in online
    }
    return data, files


def demo_history(
    *,
    days: int,
    seed: int = 2026,
    scale: float = 1.0,
    end: dt.date | None = None,
    progress: Progress | None = None,
) -> HistoryReport:
    """Replay `days` days up to `end` (yesterday by default). Days already replayed are
    skipped; the steps of cases still running at the end stay undone, as in a real city."""
    last = end or (clock.localdate() - dt.timedelta(days=1))
    first = last - dt.timedelta(days=days - 1)
    replay = Replay(seed, scale)
    hall = Hall.objects.filter(code="xa-civic").first()
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if Case.objects.filter(idempotency_key__startswith=f"{KEY}-{day:%Y%m%d}-").exists():
            replay.report.skipped += 1
        else:
            replay.day(day, hall)
            replay.report.days += 1
        if progress is not None:
            progress(day, replay.report)
    replay.run_until(_at(last + dt.timedelta(days=1), 0.0))
    return replay.report
