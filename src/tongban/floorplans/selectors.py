"""Plans as a person may reach them: an unknown plan and one they may not see read the same."""

from __future__ import annotations

from django.http import Http404

from tongban.accounts.models import User
from tongban.floorplans.models import FloorPlan


def plan_for(user: User, plan_id: int, permission: str = "floorplans.view_plan") -> FloorPlan:
    plan = FloorPlan.objects.select_related("case", "case__item").filter(pk=plan_id).first()
    if plan is None or not user.has_perm(permission, plan):
        raise Http404("平面图不存在")
    return plan


def plans_of(user: User) -> list[FloorPlan]:
    return list(FloorPlan.objects.filter(owner=user).select_related("case")[:50])
