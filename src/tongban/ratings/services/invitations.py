"""Inviting a rating: the message centre asks when a case (or a whole 一件事) ends, and an SMS
asks once more when it is still unrated after the city's days (3 by the national rules)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase, BundleCaseState
from tongban.cases.models import Case
from tongban.cases.services.followers import Transition
from tongban.core import clock
from tongban.core.links import public_link
from tongban.notify.services import notify
from tongban.ratings.models import Rating, RatingInvitation
from tongban.ratings.services.rating import RATEABLE_STATES

BUNDLE_DONE = (BundleCaseState.COMPLETED, BundleCaseState.CLOSED)


def rating_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """Follower of the case lifecycle: a case that ends is offered for rating in the message
    centre; a child of a 一件事, once the whole 一件事 has ended (one rating for it)."""
    if transition.to_state not in RATEABLE_STATES or transition.from_state == transition.to_state:
        return
    if case.bundle_case_id is not None:
        parent = BundleCase.objects.get(pk=case.bundle_case_id)
        if parent.state not in BUNDLE_DONE:
            return
        url = reverse("ratings:bundle", args=[parent.pk]) + "?via=message"
        notify(
            recipients=[parent.applicant],
            subject="请评价您办理的“一件事”",
            body=f"您的“一件事”{parent.number or ''}已全部办结，欢迎评价：{url}",
            ref=f"rating-bundle:{parent.pk}",
            channel_names=("inbox",),
        )
        return
    url = reverse("ratings:case", args=[case.pk]) + "?via=message"
    notify(
        recipients=[case.applicant],
        subject="请评价本次办事服务",
        body=f"您的办件{case.number or ''}已办结，欢迎对本次服务作出评价（一事一评）：{url}",
        ref=f"rating-case:{case.pk}",
        channel_names=("inbox",),
    )


def invitations_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Sweep: one SMS to each applicant whose case or 一件事 ended more than the city's days
    ago and is still unrated. Idempotent (one invitation per case, kept)."""
    moment = now or clock.now()
    cutoff = moment - dt.timedelta(days=settings.TONGBAN_RATING_INVITE_DAYS)
    # Not older than a month: the sweep does not spam a city's whole history on first run.
    oldest = cutoff - dt.timedelta(days=30)
    sent = {"cases": 0, "bundles": 0}
    cases = (
        Case.objects.filter(
            state__in=RATEABLE_STATES,
            bundle_case__isnull=True,
            completed_at__lte=cutoff,
            completed_at__gte=oldest,
        )
        .annotate(
            rated=Exists(Rating.objects.filter(case=OuterRef("pk"))),
            invited=Exists(RatingInvitation.objects.filter(case=OuterRef("pk"))),
        )
        .filter(rated=False, invited=False)
        .select_related("applicant")
    )
    for case in cases.iterator(chunk_size=500):
        if _invite(case=case, moment=moment):
            sent["cases"] += 1
    bundles = (
        BundleCase.objects.filter(
            state__in=BUNDLE_DONE, completed_at__lte=cutoff, completed_at__gte=oldest
        )
        .annotate(
            rated=Exists(Rating.objects.filter(bundle_case=OuterRef("pk"))),
            invited=Exists(RatingInvitation.objects.filter(bundle_case=OuterRef("pk"))),
        )
        .filter(rated=False, invited=False)
        .select_related("applicant")
    )
    for parent in bundles.iterator(chunk_size=500):
        if _invite(bundle_case=parent, moment=moment):
            sent["bundles"] += 1
    return sent


def _invite(
    *, moment: dt.datetime, case: Case | None = None, bundle_case: BundleCase | None = None
) -> bool:
    try:
        with transaction.atomic():
            RatingInvitation.objects.create(case=case, bundle_case=bundle_case, sent_at=moment)
            if case is not None:
                url = reverse("ratings:case", args=[case.pk]) + "?via=sms"
                person, number, ref = case.applicant, case.number, f"rating-case:{case.pk}"
            elif bundle_case is not None:
                url = reverse("ratings:bundle", args=[bundle_case.pk]) + "?via=sms"
                person, number = bundle_case.applicant, bundle_case.number
                ref = f"rating-bundle:{bundle_case.pk}"
            else:
                raise ValueError("an invitation needs a case or a 一件事")
            notify(
                recipients=[person],
                subject="邀请您评价办事服务",
                body=f"您的办件{number or ''}已办结，尚未评价。欢迎评价：{public_link(url)}",
                ref=ref,
                channel_names=("sms",),
            )
    except IntegrityError:
        return False  # another sweep invited it meanwhile
    return True
