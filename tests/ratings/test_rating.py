"""好差评 online and at the window: who may rate, once, with what; follow-ups; the rating
pad offering the service its clerk just finished, and refusing forged requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import UserFactory
from tests.ratings.conftest import Complete, HallSetup
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import device_register
from tongban.cases.models import Case
from tongban.core.errors import Conflict
from tongban.hall.models import Ticket
from tongban.hall.services import console
from tongban.hall.services.tickets import ticket_issue
from tongban.notify.models import Notification
from tongban.ratings.models import BadRatingTask, Rating
from tongban.ratings.services import rating as rate
from tongban.ratings.services.pads import rating_pad_setup

pytestmark = pytest.mark.django_db


def test_a_completed_case_is_rated_once_by_its_applicant(
    complete: Complete, zhangsan: User
) -> None:
    case = complete()
    invited = Notification.objects.filter(recipient=zhangsan, ref=f"rating-case:{case.pk}")
    assert invited.count() == 1  # the message centre asked when the case ended
    rating = rate.rating_case(
        actor=zhangsan, case=case, level=5, indicators={"efficiency": 5}, reason="很快"
    )
    assert (rating.kind, rating.level, rating.rater) == ("case", 5, zhangsan)
    assert [p.department_id for p in rating.parts.all()] == [case.department_id]
    assert not BadRatingTask.objects.exists()
    with pytest.raises(Conflict, match="已经评价过了"):
        rate.rating_case(actor=zhangsan, case=case, level=4)


def test_refusals_name_what_is_wrong(complete: Complete, submitted: Case, zhangsan: User) -> None:
    with pytest.raises(Conflict, match="尚未办结"):
        rate.rating_case(actor=zhangsan, case=submitted, level=5)
    case = complete()
    other = UserFactory(roles=[Role.APPLICANT])
    with pytest.raises(PermissionDenied):
        rate.rating_case(actor=other, case=case, level=1, reason="恶意")
    with pytest.raises(ValidationError) as level:
        rate.rating_case(actor=zhangsan, case=case, level=9)
    assert "level" in level.value.message_dict
    with pytest.raises(ValidationError) as indicator:
        rate.rating_case(actor=zhangsan, case=case, level=5, indicators={"taste": 5})
    assert "indicators" in indicator.value.message_dict
    with pytest.raises(ValidationError) as reason:
        rate.rating_case(actor=zhangsan, case=case, level=1)
    assert "reason" in reason.value.message_dict
    assert not Rating.objects.exists()  # nothing half-written


def test_an_authorised_agent_may_rate_for_the_applicant(complete: Complete, zhangsan: User) -> None:
    from django.utils import timezone

    from tongban.cases.services.delegations import delegation_grant

    agent = UserFactory(roles=[Role.AGENT])
    delegation_grant(
        applicant=zhangsan, agent=agent, valid_until=timezone.now() + dt.timedelta(days=5)
    )
    rating = rate.rating_case(actor=agent, case=complete(), level=4)
    assert rating.rater == agent


def test_a_follow_up_within_fifteen_days_only(complete: Complete, zhangsan: User) -> None:
    case = complete()
    rating = rate.rating_case(actor=zhangsan, case=case, level=4)
    late = rating.rated_at + dt.timedelta(days=16)
    with time_machine.travel(late), pytest.raises(Conflict, match="15天内"):
        rate.rating_follow_up(actor=zhangsan, rating=rating, text="补充")
    rate.rating_follow_up(actor=zhangsan, rating=rating, text="材料预审很细致")
    rating.refresh_from_db()
    assert rating.follow_up == "材料预审很细致"
    with pytest.raises(Conflict, match="已经追评"):
        rate.rating_follow_up(actor=zhangsan, rating=rating, text="再补充")


def _served(hs: HallSetup, clerk: User, applicant: User | None = None) -> Ticket:
    if applicant is not None:  # taken remotely while signed in: the ticket names its person
        ticket = ticket_issue(
            hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=applicant
        )
    else:
        ticket = ticket_issue(
            hall=hs.hall, category=hs.a, source=Ticket.Source.KIOSK, device=hs.kiosk.device
        )
    console.window_sign_in(user=clerk, window=hs.w1)
    called = console.ticket_call_next(user=clerk)
    assert called is not None and called.pk == ticket.pk
    console.ticket_start(user=clerk, ticket_id=ticket.pk)
    return console.ticket_finish(user=clerk, ticket_id=ticket.pk)


def test_the_pad_offers_what_its_clerk_just_finished(
    hs: HallSetup, hall_clerk: User, zhangsan: User
) -> None:
    pad = rating_pad_setup(window=hs.w1, name="1号窗口评价器")
    assert rate.pad_ticket(pad.device.rating_pad) is None
    ticket = _served(hs, hall_clerk, applicant=zhangsan)
    assert rate.pad_ticket(pad.device.rating_pad) == ticket
    rating = rate.rating_pad(
        device=pad.device, ticket_id=ticket.pk, level=5, indicators={"attitude": 5}
    )
    assert (rating.kind, rating.channel, rating.window, rating.clerk) == (
        "visit",
        "pad",
        hs.w1,
        hall_clerk,
    )
    assert rating.rater == zhangsan  # a signed-in ticket: named
    assert rate.pad_ticket(pad.device.rating_pad) is None  # rated: nothing more to offer
    with pytest.raises(Conflict):
        rate.rating_pad(device=pad.device, ticket_id=ticket.pk, level=1)


def test_anonymous_at_the_pad_and_forged_requests(hs: HallSetup, hall_clerk: User) -> None:
    pad = rating_pad_setup(window=hs.w1, name="1号窗口评价器")
    ticket = _served(hs, hall_clerk)
    kiosk = device_register(kind=DeviceIdentity.Kind.KIOSK, name="冒充的自助机")
    with pytest.raises(PermissionDenied):
        rate.rating_pad(device=kiosk.device, ticket_id=ticket.pk, level=1)
    with pytest.raises(Conflict):
        rate.rating_pad(device=pad.device, ticket_id=ticket.pk + 1000, level=1)
    rating = rate.rating_pad(device=pad.device, ticket_id=str(ticket.pk), level=2)
    assert rating.rater is None and rating.anonymous
    task = BadRatingTask.objects.get(rating=rating)
    assert task.state == BadRatingTask.State.VERIFY and task.callback_due is None


def test_the_pad_page_refuses_a_browser_that_is_no_pad(
    hs: HallSetup, hall_clerk: User, client: Any
) -> None:
    """A forged POST to /hall/rate/ without the pad's device session rates nothing."""
    rating_pad_setup(window=hs.w1, name="1号窗口评价器")
    ticket = _served(hs, hall_clerk)
    response = client.post("/hall/rate/", {"ticket": ticket.pk, "level": "1"})
    assert response.status_code == 302 and "/hall/device/" in response["Location"]
    assert client.get("/hall/rate/state/").status_code == 403
    assert not Rating.objects.exists()
