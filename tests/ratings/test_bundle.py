"""One rating for a 一件事: offered when the whole 一件事 has ended, attributed to each
department's part, and a bad one handled by its lead department."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.test_bundle_cases import _submitted
from tests.cases.test_bundle_figures import _through
from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case
from tongban.core.errors import Conflict
from tongban.notify.models import Notification
from tongban.ratings.figures import rating_figures
from tongban.ratings.models import BadRatingTask
from tongban.ratings.services import rating as rate

MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_bookstore_is_rated_once_for_every_department(demo_city: None) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    with time_machine.travel(MONDAY, tick=False):
        parent = _submitted(drinks="no")
        _through(Case.objects.get(bundle_case=parent, bundle_key="licence"), pickup=False)
        with pytest.raises(Conflict, match="尚未全部办结"):
            rate.rating_bundle(actor=zhangsan, bundle_case=parent, level=5)
        child = Case.objects.get(bundle_case=parent, bundle_key="licence")
        with pytest.raises(Conflict, match="一件事"):
            rate.rating_case(actor=zhangsan, case=child, level=5)
        for rest in Case.objects.filter(bundle_case=parent).exclude(bundle_key="licence"):
            _through(rest, pickup=False)
        parent = BundleCase.objects.get(pk=parent.pk)
        assert Notification.objects.filter(ref=f"rating-bundle:{parent.pk}").count() == 1
        rating = rate.rating_bundle(
            actor=zhangsan, bundle_case=parent, level=2, reason="各部门要求不一致"
        )
    departments = set(rating.parts.values_list("department__code", flat=True))
    children = set(
        Case.objects.filter(bundle_case=parent).values_list("department__code", flat=True)
    )
    assert departments == children and len(departments) > 1
    task = BadRatingTask.objects.get(rating=rating)
    assert task.department == parent.bundle.lead_department
    by_department = {f.key: f.count for f in rating_figures("department")}
    assert set(by_department.values()) == {1} and len(by_department) == len(departments)
