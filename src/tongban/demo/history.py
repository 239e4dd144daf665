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

import datetime as dt
import heapq
import itertools
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case, CaseState, Channel
from tongban.catalog.models import Audience, Bundle, ServiceItem
from tongban.core import clock
from tongban.core.calendar import db_calendar
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.delivery.models import LockerCredential
from tongban.demo.exchange_seed import _people, demo_apply
from tongban.demo.hall_seed import (
    demo_hall_history,
)
from tongban.demo.history_cases import CaseSteps
from tongban.demo.history_model import (
    BUNDLE_SHARE,
    ENTERPRISE_SHARE,
    HALL_APPLICATIONS,
    HALL_DAY_TICKETS,
    ITEM_WEIGHTS,
    KEY,
    MONTH,
    OFF_DAY,
    ONLINE_HOURS,
    ONLINE_IF_NO_VISIT,
    ONLINE_IF_VISIT,
    PER_DAY,
    RATE_PAD,
    WEEKDAY,
    Arrival,
    HistoryReport,
    Progress,
)
from tongban.demo.history_ratings import RatingSteps
from tongban.hall.models import Hall, Ticket
from tongban.hall.services.console import ticket_accept_case
from tongban.ratings.models import RatingPad
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate
from tongban.ratings.services.invitations import invitations_sweep
from tongban.ratings.services.pads import rating_pad_setup


def _at(day: dt.date, hours: float) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0))) + dt.timedelta(hours=hours)


class Replay(CaseSteps, RatingSteps):
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


def _replayed_until() -> dt.date | None:
    """The last day an earlier replay reached: the days replay in order, so every day up to
    the latest one with an application was replayed (a quiet Sunday leaves no trace)."""
    keys = [
        model.objects.filter(idempotency_key__startswith=f"{KEY}-2")
        .order_by("-idempotency_key")
        .values_list("idempotency_key", flat=True)
        .first()
        for model in (Case, BundleCase)
    ]
    latest = max((k for k in keys if k), default=None)
    if latest is None:
        return None
    return dt.datetime.strptime(latest.split("-")[1], "%Y%m%d").replace(tzinfo=dt.UTC).date()


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
    done = _replayed_until()
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if done is not None and day <= done:
            replay.report.skipped += 1
        else:
            replay.day(day, hall)
            replay.report.days += 1
        if progress is not None:
            progress(day, replay.report)
    replay.run_until(_at(last + dt.timedelta(days=1), 0.0))
    return replay.report
