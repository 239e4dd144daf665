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
from tongban.projects.models import OutreachEvent
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
    for bad in ({"name": " "}, {"people_served": -1}):
        with pytest.raises(ValidationError):
            outreach_event_create(
                actor=clerk,
                **{
                    "name": "金钥匙进园区",
                    "place": "示例产业园",
                    "held_on": dt.date(2026, 3, 2),
                    "team": [],
                    **bad,
                },
            )
    assert not OutreachEvent.objects.exists()
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


def test_the_outreach_page_records_a_day_and_counts_its_cases(
    submitted: Case,  # noqa: F811
    clerk: User,
    zhangsan: User,
    client: object,
) -> None:
    from django.test import Client

    from tongban.projects.models import OutreachEvent

    assert isinstance(client, Client)
    client.force_login(zhangsan)
    assert client.get("/projects/outreach/").status_code == 403
    client.force_login(clerk)
    answer = client.post(
        "/projects/outreach/new/",
        {
            "name": "金钥匙进园区",
            "place": "高新区示例产业园",
            "held_on": "2026-03-02",
            "people_served": "12",
        },
    )
    assert answer.status_code == 302
    event = OutreachEvent.objects.get()
    assert list(event.team.all()) == [clerk]  # who recorded it served there
    Case.objects.filter(pk=submitted.pk).update(number="TB20260302000001")
    client.post(f"/projects/outreach/{event.pk}/cases/", {"number": "TB20260302000001"})
    page = client.get("/projects/outreach/").content.decode()
    assert "服务 12 人，受理办件 1 件，已办结 0 件" in page
    client.post(f"/projects/outreach/{event.pk}/cases/", {"number": "nope"})
    assert event.links.count() == 1
