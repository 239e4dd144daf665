"""Giving a rating: online for a completed case or 一件事 (一事一评), at the window's pad for a
finished service (一次一评), a follow-up (追评) within 15 days, and a new rating after a bad
one was handled. A bad rating opens its department's task in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tongban.accounts.models import DeviceIdentity, User
from tongban.cases.bundles.models import BundleCase, BundleCaseState
from tongban.cases.models import Case, CaseState
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.hall.models import Ticket
from tongban.ratings.models import (
    BAD_LEVELS,
    ONLINE_INDICATORS,
    VISIT_INDICATORS,
    Level,
    Rating,
    RatingPad,
    RatingPart,
)
from tongban.ratings.services.handling import task_open

# A case may be rated once it has ended with a decision or a refusal (办结, 不予受理).
RATEABLE_STATES = frozenset({CaseState.COMPLETED, CaseState.REJECTED})
FOLLOW_UP_DAYS = 15
# How long after the clerk finishes a ticket its pad still offers the rating.
PAD_OFFER_MINUTES = 30
REASON_MAX = 500


def _level(value: Any) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ValidationError({"level": ["请选择评价等级（1非常不满意 至 5非常满意）"]})
    return level


def _indicators(values: Mapping[str, Any] | None, allowed: Mapping[str, Any]) -> dict[str, int]:
    chosen: dict[str, int] = {}
    for key, raw in (values or {}).items():
        if raw in (None, ""):
            continue
        if key not in allowed:
            raise ValidationError({"indicators": [f"没有这个评价分项：{key}"]})
        try:
            level = int(raw)
        except (TypeError, ValueError):
            level = 0
        if level not in Level.values:
            raise ValidationError({"indicators": [f"“{allowed[key]}”的评价须为1至5"]})
        chosen[key] = level
    return chosen


def _reason(text: Any, *, level: int, required_when_bad: bool) -> str:
    reason = str(text or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"评价内容不能超过{REASON_MAX}字"]})
    if required_when_bad and level in BAD_LEVELS and not reason:
        raise ValidationError({"reason": ["请说明不满意的原因，以便部门核实整改"]})
    return reason


def _create(rating: Rating, parts: list[RatingPart]) -> Rating:
    """Insert the rating and its parts; a second rating of the same case, 一件事 or visit
    (a double submit, two tabs) meets the unique constraint and is refused."""
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise Conflict("已经评价过了；可在评价后15天内追评") from exc
    for part in parts:
        part.rating = rating
        if part.item is not None:
            part.item_basic_code = part.item.basic_code
    RatingPart.objects.bulk_create(parts)
    audit_log(
        action="rating.create",
        obj=rating,
        changes={"kind": rating.kind, "level": rating.level, "channel": rating.channel},
    )
    if rating.level in BAD_LEVELS:
        task_open(rating, parts)
    return rating


def _check_case(actor: User, case: Case) -> None:
    if not actor.has_perm("ratings.rate_case", case):
        raise PermissionDenied("只有申请人或其授权的代办人可以评价该办件")
    if case.state not in RATEABLE_STATES:
        raise Conflict("办件尚未办结，办结后才能评价")


@transaction.atomic
def rating_case(
    *,
    actor: User,
    case: Case,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reason: Any = "",
    channel: str = Rating.Channel.WEB,
) -> Rating:
    """一事一评 of one case; a child of a 一件事 is rated with its 一件事."""
    if case.bundle_case_id is not None:
        raise Conflict("该办件属于“一件事”，请对整件事作出评价")
    _check_case(actor, case)
    lvl = _level(level)
    rating = Rating(
        kind=Rating.Kind.CASE,
        channel=channel,
        level=lvl,
        indicators=_indicators(indicators, ONLINE_INDICATORS),
        reason=_reason(reason, level=lvl, required_when_bad=True),
        case=case,
        rater=actor,
        rated_at=clock.now(),
    )
    return _create(
        rating, [RatingPart(department_id=case.department_id, case=case, item=case.item)]
    )


@transaction.atomic
def rating_bundle(
    *,
    actor: User,
    bundle_case: BundleCase,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reason: Any = "",
    channel: str = Rating.Channel.WEB,
) -> Rating:
    """One rating for a 一件事, attributed to each department's part of it."""
    children = list(
        Case.objects.filter(bundle_case=bundle_case).select_related("item").order_by("pk")
    )
    if not any(actor.has_perm("ratings.rate_case", c) for c in children) and not (
        bundle_case.applicant_id == actor.pk
    ):
        raise PermissionDenied("只有申请人或其授权的代办人可以评价该一件事")
    if bundle_case.state not in (BundleCaseState.COMPLETED, BundleCaseState.CLOSED):
        raise Conflict("一件事尚未全部办结，办结后才能评价")
    lvl = _level(level)
    rating = Rating(
        kind=Rating.Kind.BUNDLE,
        channel=channel,
        level=lvl,
        indicators=_indicators(indicators, ONLINE_INDICATORS),
        reason=_reason(reason, level=lvl, required_when_bad=True),
        bundle_case=bundle_case,
        rater=actor,
        rated_at=clock.now(),
    )
    parts = [
        RatingPart(department_id=c.department_id, case=c, item=c.item)
        for c in children
        if c.state != CaseState.TERMINATED  # parts the 一件事 never handled are not judged
    ]
    return _create(rating, parts)


def pad_ticket(pad: RatingPad, *, at: dt.datetime | None = None) -> Ticket | None:
    """The service the pad offers to rate: its window's latest finished ticket, finished in
    the last half hour and not rated yet (the clerk finishing it is the invitation)."""
    moment = at or clock.now()
    ticket = (
        Ticket.objects.filter(
            window_id=pad.window_id,
            status=Ticket.Status.DONE,
            finished_at__gte=moment - dt.timedelta(minutes=PAD_OFFER_MINUTES),
            finished_at__lte=moment,
        )
        .select_related("served_by__department", "hall", "window")
        .order_by("-finished_at")
        .first()
    )
    if ticket is None or Rating.objects.filter(ticket=ticket).exists():
        return None
    return ticket


def _ticket_person(ticket: Ticket) -> User | None:
    if ticket.applicant_id is not None:
        return ticket.applicant
    link = ticket.case_links.select_related("case__applicant").order_by("pk").first()
    return link.case.applicant if link is not None else None


@transaction.atomic
def rating_pad(
    *,
    device: DeviceIdentity,
    ticket_id: Any,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reason: Any = "",
    anonymous: bool = False,
) -> Rating:
    """一次一评 at the window's pad: one tap, optional indicators and reason. The rating is
    named when the ticket is tied to a person (signed in, or a case accepted at the window)
    unless they choose anonymity."""
    pad = RatingPad.objects.select_related("window").filter(device=device).first()
    if pad is None or not device.is_active or device.kind != DeviceIdentity.Kind.RATING_PAD:
        raise PermissionDenied("该设备不是登记在窗口的评价器")
    offered = pad_ticket(pad)
    if offered is None or str(offered.pk) != str(ticket_id):
        raise Conflict("这次服务无需或已经评价；请在窗口办结后评价")
    lvl = _level(level)
    clerk = offered.served_by
    person = None if anonymous else _ticket_person(offered)
    rating = Rating(
        kind=Rating.Kind.VISIT,
        channel=Rating.Channel.PAD,
        level=lvl,
        indicators=_indicators(indicators, VISIT_INDICATORS),
        reason=_reason(reason, level=lvl, required_when_bad=False),
        ticket=offered,
        hall=offered.hall,
        window=offered.window,
        clerk=clerk,
        rater=person,
        pad=device,
        rated_at=clock.now(),
    )
    parts = [
        RatingPart(department_id=link.case.department_id, case=link.case, item=link.case.item)
        for link in offered.case_links.select_related("case__item").order_by("pk")
    ]
    if not parts and clerk is not None and clerk.department_id is not None:
        parts = [RatingPart(department_id=clerk.department_id)]
    return _create(rating, parts)


@transaction.atomic
def rating_follow_up(*, actor: User, rating: Rating, text: Any) -> Rating:
    """追评: the person who rated adds to their rating, once, within 15 days."""
    locked = Rating.objects.select_for_update().get(pk=rating.pk)
    if locked.rater_id != actor.pk:
        raise PermissionDenied("只能追评自己的评价")
    if locked.followed_up_at is not None:
        raise Conflict("已经追评过了")
    if clock.now() > locked.rated_at + dt.timedelta(days=FOLLOW_UP_DAYS):
        raise Conflict(f"评价后{FOLLOW_UP_DAYS}天内才能追评")
    follow_up = str(text or "").strip()
    if not follow_up:
        raise ValidationError({"follow_up": ["请填写追评内容"]})
    if len(follow_up) > REASON_MAX:
        raise ValidationError({"follow_up": [f"追评内容不能超过{REASON_MAX}字"]})
    locked.follow_up = follow_up
    locked.followed_up_at = clock.now()
    locked.save(update_fields=["follow_up", "followed_up_at"])
    audit_log(action="rating.follow_up", obj=locked, changes={"length": len(follow_up)})
    return locked


@transaction.atomic
def rating_again(
    *,
    actor: User,
    rating: Rating,
    level: Any,
    indicators: Mapping[str, Any] | None = None,
    reason: Any = "",
) -> Rating:
    """After the department handled a bad rating and told the person, they may rate again:
    the new rating replaces the old one in the figures; the old stays on record."""
    old = Rating.objects.select_for_update().get(pk=rating.pk)
    if old.rater_id is None or old.rater_id != actor.pk:
        raise PermissionDenied("只能对自己的评价再次评价")
    task = getattr(old, "task", None)
    if task is None or task.is_open:
        raise Conflict("差评处理完毕并反馈后才能再次评价")
    if not old.current:
        raise Conflict("已经再次评价过了")
    lvl = _level(level)
    allowed = VISIT_INDICATORS if old.kind == Rating.Kind.VISIT else ONLINE_INDICATORS
    new = Rating(
        kind=old.kind,
        channel=Rating.Channel.WEB,
        level=lvl,
        indicators=_indicators(indicators, allowed),
        reason=_reason(reason, level=lvl, required_when_bad=True),
        case_id=old.case_id,
        bundle_case_id=old.bundle_case_id,
        ticket_id=old.ticket_id,
        hall_id=old.hall_id,
        window_id=old.window_id,
        clerk_id=old.clerk_id,
        rater=actor,
        replaces=old,
        rated_at=clock.now(),
    )
    old.current = False
    old.save(update_fields=["current"])
    parts = [
        RatingPart(department_id=p.department_id, case_id=p.case_id, item=p.item)
        for p in old.parts.select_related("item")
    ]
    return _create(new, parts)
