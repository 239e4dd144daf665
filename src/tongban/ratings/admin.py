"""The admin shows ratings and their handling read-only: figures come from what people
rated and what departments did, never from an edit here. Pads are placed at windows."""

from __future__ import annotations

from django.contrib import admin

from tongban.core.admin_audit import ReadOnlyAdmin
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal, RatingPad


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin[Rating]):
    list_display = ["pk", "kind", "channel", "level", "rated_at", "current", "excluded_at"]
    list_filter = ["kind", "channel", "level", "current"]
    exclude = ["rater"]  # who rated is personal; the task page shows it to those who call back


@admin.register(BadRatingTask)
class BadRatingTaskAdmin(ReadOnlyAdmin[BadRatingTask]):
    list_display = ["pk", "department", "state", "warning", "opened_on", "callback_due", "fix_due"]
    list_filter = ["state", "warning"]


@admin.register(RatingAppeal)
class RatingAppealAdmin(ReadOnlyAdmin[RatingAppeal]):
    list_display = ["pk", "department", "state", "filed_at", "decided_at"]
    list_filter = ["state"]


@admin.register(RatingPad)
class RatingPadAdmin(admin.ModelAdmin[RatingPad]):
    list_display = ["device", "window"]
