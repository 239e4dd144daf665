"""金钥匙 outreach days: recorded by staff with their team; the cases started there linked by
a team member on the day; the event's figures computed from those cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.cases.conftest import item, submitted  # noqa: F401
from tests.factories import UserFactory
from tongban.accounts.models import Role, User
from tongban.cases.models import Case
from tongban.core.errors import Conflict
from tongban.projects.presenters import outreach_figures
from tongban.projects.services import outreach_case_link, outreach_event_create


@pytest.fixture(autouse=True)
def _monday(time_machine: object) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))  # type: ignore[attr-defined]


def test_an_outreach_day_counts_the_cases_started_there(
    submitted: Case,  # noqa: F811
    clerk: User,
    zhangsan: User,
) -> None:
    with pytest.raises(PermissionDenied):
        outreach_event_create(
            actor=zhangsan, name="x", place="y", held_on=dt.date(2026, 3, 2), team=[clerk]
        )
    with pytest.raises(ValidationError):
        outreach_event_create(
            actor=clerk,
            name="金钥匙进园区",
            place="高新区示例产业园",
            held_on=dt.date(2026, 3, 2),
            team=[],
        )
    event = outreach_event_create(
        actor=clerk,
        name="金钥匙进园区",
        place="高新区示例产业园",
        held_on=dt.date(2026, 3, 2),
        team=[clerk],
        people_served=37,
    )
    outsider = UserFactory(roles=[Role.CLERK])
    with pytest.raises(PermissionDenied):
        outreach_case_link(actor=outsider, event=event, case=submitted)
    outreach_case_link(actor=clerk, event=event, case=submitted)
    with pytest.raises(Conflict):
        outreach_case_link(actor=clerk, event=event, case=submitted)
    assert outreach_figures(event) == {
        "cases": 1,
        "completed": 0,
        "items": [submitted.item.name],
        "people_served": 37,
    }
    later = outreach_event_create(
        actor=clerk,
        name="金钥匙进社区",
        place="示例社区",
        held_on=dt.date(2026, 3, 9),
        team=[clerk],
    )
    with pytest.raises(ValidationError, match="当天"):  # started on another day
        outreach_case_link(actor=clerk, event=later, case=submitted)
