"""What the rating pages and the case page's rating panel show."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core import clock
from tongban.core.masking import mask_name, mask_phone
from tongban.ratings.models import (
    BAD_LEVELS,
    ONLINE_INDICATORS,
    VISIT_INDICATORS,
    BadRatingTask,
    Level,
    Rating,
    RatingAppeal,
)
from tongban.ratings.services.handling import step_due
from tongban.ratings.services.rating import FOLLOW_UP_DAYS, RATEABLE_STATES

LEVELS = [(level.value, str(level.label)) for level in Level]


def indicator_fields(kind: str) -> list[tuple[str, str]]:
    chosen = VISIT_INDICATORS if kind == Rating.Kind.VISIT else ONLINE_INDICATORS
    return [(code, str(label)) for code, label in chosen.items()]


def current_rating(*, case: Case | None = None, bundle_case_id: int | None = None) -> Rating | None:
    ratings = Rating.objects.filter(current=True).select_related("task")
    if case is not None:
        return ratings.filter(case=case).first()
    return ratings.filter(bundle_case_id=bundle_case_id).first()


def rating_out(rating: Rating, viewer: User) -> dict[str, Any]:
    """A rating as its rater (or staff) sees it: level, indicators, reason, follow-up and
    what became of it when it was bad."""
    labels = dict(indicator_fields(rating.kind))
    task: BadRatingTask | None = getattr(rating, "task", None)
    mine = rating.rater_id is not None and rating.rater_id == viewer.pk
    window_open = (clock.now() - rating.rated_at).days < FOLLOW_UP_DAYS
    return {
        "rating": rating,
        "level_label": rating.get_level_display(),
        "bad": rating.level in BAD_LEVELS,
        "indicators": [(labels.get(k, k), Level(v).label) for k, v in rating.indicators.items()],
        "task": task,
        "task_due": step_due(task) if task is not None else None,
        "may_follow_up": mine and not rating.followed_up_at and window_open,
        "may_rate_again": mine
        and rating.current
        and task is not None
        and not task.is_open
        and rating.excluded_at is None,
        "levels": LEVELS,
        "indicator_fields": indicator_fields(rating.kind),
    }


def case_panel(case: Case, viewer: User, staff: bool) -> dict[str, Any] | None:
    """The case page's rating panel: the form once the case has ended (for whoever may rate
    it), the rating once given; a child of a 一件事 points to the 一件事's rating."""
    if case.state not in RATEABLE_STATES:
        return None
    panel: dict[str, Any] = {"template": "ratings/_case.html", "staff": staff, "case": case}
    if case.bundle_case_id is not None:
        panel["bundle_case_id"] = case.bundle_case_id
        rating = current_rating(bundle_case_id=case.bundle_case_id)
    else:
        rating = current_rating(case=case)
    if rating is not None:
        panel.update(rating_out(rating, viewer))
        return panel
    if not staff and viewer.has_perm("ratings.rate_case", case):
        panel["may_rate"] = True
        panel["levels"] = LEVELS
        panel["indicator_fields"] = indicator_fields(Rating.Kind.CASE)
    return panel


def task_out(task: BadRatingTask) -> dict[str, Any]:
    rating = task.rating
    return {
        "task": task,
        "rating": rating,
        "due": step_due(task),
        "case_number": (rating.case.number if rating.case_id else "")  # type: ignore[union-attr]
        or (rating.bundle_case.number if rating.bundle_case_id else "")  # type: ignore[union-attr]
        or "",
        "where": rating.window.label if rating.window_id else "",  # type: ignore[union-attr]
    }


def task_page(task: BadRatingTask, viewer: User, contact: dict[str, str] | None) -> dict[str, Any]:
    """The task page: the rating, the steps so far, what the viewer may do next, the
    rater masked (or revealed, after an audited look)."""
    rater = task.rating.rater
    owners = (
        User.objects.filter(is_active=True, department_id=task.department_id).order_by("pk")
        if task.department_id
        else User.objects.none()
    )
    pending = task.rating.appeals.filter(state=RatingAppeal.State.PENDING).exists()
    return {
        **task_out(task),
        **rating_out(task.rating, viewer),
        "may_handle": viewer.has_perm("ratings.handle_task", task),
        "may_appeal": viewer.has_perm("ratings.appeal", task)
        and not pending
        and task.rating.excluded_at is None,
        "appeals": list(task.rating.appeals.select_related("decided_by").order_by("pk")),
        "owners": owners,
        "today": timezone.localdate(),
        "contact": contact,
        "rater_masked": {
            "name": mask_name(rater.real_name or rater.username),
            "phone": mask_phone(rater.phone),
        }
        if rater is not None
        else None,
    }
