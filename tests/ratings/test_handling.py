"""差评核实整改 and 申诉复核: a bad rating's task through callback, verification, fix and
feedback, the person rating again, the lights and who they tell, the SMS invitation after
three days, and the public figures checked against a small history computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import UserFactory
from tests.ratings.conftest import Complete
from tongban.accounts.models import Department, Role, User
from tongban.core.audit import audit_verify
from tongban.core.errors import Conflict
from tongban.notify.models import Notification
from tongban.ratings.figures import city_figure, figures_export_rows, rating_figures
from tongban.ratings.models import BadRatingTask, Rating, RatingAppeal
from tongban.ratings.services import handling
from tongban.ratings.services import rating as rate
from tongban.ratings.services.invitations import invitations_sweep

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2026, 3, 3)


def _bad(complete: Complete, zhangsan: User) -> BadRatingTask:
    rating = rate.rating_case(
        actor=zhangsan, case=complete(), level=1, reason="窗口让我跑了三趟", indicators={}
    )
    return BadRatingTask.objects.get(rating=rating)


def test_a_bad_rating_through_callback_fix_feedback_and_a_new_rating(
    complete: Complete, zhangsan: User, reviewer: User
) -> None:
    task = _bad(complete, zhangsan)
    assert task.state == BadRatingTask.State.CALLBACK
    assert task.callback_due == TUESDAY  # one working day
    assert Notification.objects.filter(recipient=reviewer, ref=f"rating-task:{task.pk}").exists()
    task = handling.task_callback(actor=reviewer, task=task, reached=True, note="已致电，属实")
    task = handling.task_verify(
        actor=reviewer, task=task, valid=True, reason="窗口一次性告知不到位"
    )
    with pytest.raises(ValidationError) as no_owner:
        handling.task_fix(actor=reviewer, task=task, immediate=False, plan="培训")
    assert "owner" in no_owner.value.message_dict
    task = handling.task_fix(
        actor=reviewer, task=task, immediate=False, plan="全员培训一次性告知", owner=reviewer
    )
    assert task.fix_due == dt.date(2026, 3, 9)  # five working days
    assert task.state == BadRatingTask.State.RECTIFY
    with pytest.raises(Conflict):
        rate.rating_again(actor=zhangsan, rating=task.rating, level=4)
    task = handling.task_fix_done(actor=reviewer, task=task, evidence="培训签到表")
    assert task.state == BadRatingTask.State.CLOSED and "已按期整改" in task.result_text
    told = Notification.objects.filter(recipient=zhangsan, ref=f"rating:{task.rating_id}")
    assert {n.channel for n in told} == {"inbox", "sms"}
    again = rate.rating_again(actor=zhangsan, rating=task.rating, level=4, reason="")
    old = Rating.objects.get(pk=task.rating_id)
    assert (old.current, again.current, again.replaces_id) == (False, True, old.pk)
    city = city_figure()
    # The re-rating replaces the bad one in satisfaction; the handling counts the bad one.
    assert (city.count, city.good, city.bad, city.named_bad) == (1, 1, 1, 1)
    assert (city.callback_rate, city.rectification_rate, city.on_time_rate) == (100, 100, 100)
    with pytest.raises(Conflict):
        rate.rating_again(actor=zhangsan, rating=old, level=5)
    assert audit_verify().ok


def test_only_the_rated_department_handles_it(
    complete: Complete, zhangsan: User, reviewer: User
) -> None:
    task = _bad(complete, zhangsan)
    outsider = UserFactory(
        department=Department.objects.create(
            code="other", name="其他局", short_name="其他", region_code="610100"
        ),
        roles=[Role.REVIEWER],
    )
    with pytest.raises(PermissionDenied):
        handling.task_callback(actor=outsider, task=task, reached=True, note="…")
    with pytest.raises(Conflict):
        handling.task_verify(actor=reviewer, task=task, valid=True, reason="先核实")
    with pytest.raises(ValidationError) as note:
        handling.task_callback(actor=reviewer, task=task, reached=True, note=" ")
    assert "note" in note.value.message_dict


def test_not_valid_closes_with_the_reason_told(
    complete: Complete, zhangsan: User, reviewer: User
) -> None:
    task = _bad(complete, zhangsan)
    handling.task_callback(actor=reviewer, task=task, reached=False, note="未接通")
    task = handling.task_verify(actor=reviewer, task=task, valid=False, reason="监控显示一次办结")
    assert task.state == BadRatingTask.State.CLOSED
    assert task.finding == BadRatingTask.Finding.NOT_VALID
    assert "不属实" in task.result_text
    city = city_figure()
    assert (city.valid, city.rectification_rate, city.handled) == (0, None, 1)


def test_lights_turn_yellow_then_red_and_tell_the_hall_managers(
    complete: Complete, zhangsan: User, manager: User
) -> None:
    task = _bad(complete, zhangsan)
    assert handling.tasks_warnings_sweep(on=dt.date(2026, 3, 2)) == {
        "yellow": 0,
        "red": 0,
        "none": 0,
    }
    assert handling.tasks_warnings_sweep(on=TUESDAY)["yellow"] == 1
    task.refresh_from_db()
    assert task.warning == "yellow"
    assert handling.tasks_warnings_sweep(on=dt.date(2026, 3, 4))["red"] == 1
    told = Notification.objects.filter(recipient=manager, ref=f"rating-task:{task.pk}")
    assert told.count() == 2  # yellow, then red
    assert handling.tasks_warnings_sweep(on=dt.date(2026, 3, 4))["red"] == 0  # idempotent


def test_an_appeal_is_decided_outside_the_department(
    complete: Complete, zhangsan: User, reviewer: User, admin_user: User
) -> None:
    task = _bad(complete, zhangsan)
    appeal = handling.appeal_file(actor=reviewer, task=task, reason="评价人与窗口争执后恶意差评")
    with pytest.raises(Conflict):
        handling.appeal_file(actor=reviewer, task=task, reason="再次申诉")
    inside = UserFactory(department=reviewer.department, roles=[Role.HALL_MANAGER])
    with pytest.raises(PermissionDenied):
        handling.appeal_decide(actor=inside, appeal=appeal, upheld=True, note="自己人")
    appeal = handling.appeal_decide(actor=admin_user, appeal=appeal, upheld=True, note="有录音")
    assert appeal.state == RatingAppeal.State.UPHELD
    rating = Rating.objects.get(pk=task.rating_id)
    assert rating.excluded_at is not None  # on record, marked
    task.refresh_from_db()
    assert task.state == BadRatingTask.State.CLOSED and "申诉成立" in task.result_text
    city = city_figure()
    assert (city.count, city.bad) == (0, 0)
    rows = figures_export_rows(Rating.objects.all())
    assert rows[0]["excluded"] == "1" and rows[0]["alternate"] == "1"


def test_an_unrated_case_is_invited_by_sms_once_after_three_days(
    complete: Complete, zhangsan: User
) -> None:
    case = complete()
    rated = complete()
    rate.rating_case(actor=zhangsan, case=rated, level=5)
    assert invitations_sweep() == {"cases": 0, "bundles": 0}
    with time_machine.travel(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC)):
        assert invitations_sweep() == {"cases": 1, "bundles": 0}
        assert invitations_sweep() == {"cases": 0, "bundles": 0}
    sms = Notification.objects.get(recipient=zhangsan, channel="sms", ref=f"rating-case:{case.pk}")
    assert case.number in sms.body


def test_figures_against_a_history_computed_by_hand(
    complete: Complete, zhangsan: User, reviewer: User, lisi: User
) -> None:
    """Five ratings: 5, 4, 3 by 张三, a 2 by 李四 (called back late, fixed at once) and a 1
    by 张三 never called back. 好评率 3/5 = 60 %; mean (5+4+3+2+1)/5 = 3.0; bad 2, named 2,
    called back 1 (50 %), on time 0 (0 %); valid 1, fixed 1 (100 %); handled 1, on time 0."""
    for level in (5, 4, 3):
        rate.rating_case(actor=zhangsan, case=complete(), level=level)
    late = rate.rating_case(actor=lisi, case=complete(lisi), level=2, reason="等太久")
    rate.rating_case(actor=zhangsan, case=complete(), level=1, reason="态度差")
    task = BadRatingTask.objects.get(rating=late)
    with time_machine.travel(dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)):  # Wednesday
        handling.task_callback(actor=reviewer, task=task, reached=True, note="致歉")
        handling.task_verify(actor=reviewer, task=task, valid=True, reason="属实")
        handling.task_fix(
            actor=reviewer, task=task, immediate=True, plan="增开窗口", evidence="排班表"
        )
    city = city_figure()
    assert (city.count, city.good, city.good_rate, city.average) == (5, 3, 60.0, 3.0)
    assert (city.bad, city.named_bad, city.called_back, city.callback_rate) == (2, 2, 1, 50.0)
    assert city.callback_on_time_rate == 0.0
    assert (city.valid, city.fixed, city.rectification_rate) == (1, 1, 100.0)
    assert (city.handled, city.on_time_rate) == (1, 0.0)
    by_department = rating_figures("department")
    assert [(f.label, f.count) for f in by_department] == [(reviewer.department.name, 5)]
    by_channel = rating_figures("channel")
    assert [(f.key, f.count) for f in by_channel] == [("web", 5)]
