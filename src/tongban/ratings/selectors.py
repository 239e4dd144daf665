"""What a person may see of ratings: their own rating, or one whose task they may view; a
一件事 of theirs. One rule for the pages and the API; 404 otherwise (existence never leaks)."""

from __future__ import annotations

from django.http import Http404

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case
from tongban.ratings.models import Rating


def rating_for(user: User, rating_id: int) -> Rating:
    rating = (
        Rating.objects.select_related("case__item", "bundle_case__bundle", "task", "window")
        .filter(pk=rating_id)
        .first()
    )
    task = getattr(rating, "task", None) if rating is not None else None
    if rating is not None and (
        rating.rater_id == user.pk
        or (task is not None and user.has_perm("ratings.view_task", task))
    ):
        return rating
    raise Http404("评价不存在")


def bundle_case_for(user: User, bundle_case_id: int) -> BundleCase:
    parent = BundleCase.objects.select_related("bundle").filter(pk=bundle_case_id).first()
    children = Case.objects.filter(bundle_case_id=bundle_case_id)
    if parent is None or not (
        parent.applicant_id == user.pk or any(user.has_perm("cases.view_case", c) for c in children)
    ):
        raise Http404("一件事办件不存在")
    return parent
