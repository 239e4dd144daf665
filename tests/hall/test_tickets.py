"""Issuing tickets: numbers per category per day, idempotent retries, opening hours, who may
issue, priority claims, and the place in the queue with its estimated wait."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import device_register, device_revoke
from tongban.core.audit import audit_verify
from tongban.core.models import AuditRecord
from tongban.core.synthetic import make_id_number
from tongban.hall import selectors
from tongban.hall.models import HallEvent, Ticket
from tongban.hall.services import HallConflict
from tongban.hall.services.tickets import ticket_cancel, ticket_issue


def kiosk_ticket(hs: HallSetup, category: str = "A", **kw: object) -> Ticket:
    return ticket_issue(
        hall=hs.hall,
        category=hs.a if category == "A" else hs.b,
        source=Ticket.Source.KIOSK,
        device=hs.kiosk.device,
        **kw,  # type: ignore[arg-type]
    )


def test_numbers_run_per_category_and_restart_each_day(hs: HallSetup) -> None:
    numbers = [kiosk_ticket(hs, c).number for c in "AABAB"]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]
    with time_machine.travel(dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)):
        assert kiosk_ticket(hs, "A").number == "A001"
    issued = HallEvent.objects.filter(kind=HallEvent.Kind.ISSUED).count()
    assert issued == 6
    assert AuditRecord.objects.filter(action="hall.ticket.issue").count() == 6
    assert audit_verify().ok


def test_a_retry_with_the_same_key_returns_the_first_ticket(hs: HallSetup) -> None:
    first = kiosk_ticket(hs, idempotency_key="tap-1")
    again = kiosk_ticket(hs, idempotency_key="tap-1")
    other = kiosk_ticket(hs, idempotency_key="tap-2")
    assert again.pk == first.pk
    assert other.number == "A002"


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC),  # Saturday
        dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC),  # Monday 08:30, before opening
        dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),  # Monday 17:00, closed
        dt.datetime(2026, 2, 17, 2, 0, tzinfo=dt.UTC),  # Spring Festival holiday (a Tuesday)
    ],
)
def test_a_closed_hall_issues_nothing(hs: HallSetup, moment: dt.datetime) -> None:
    with time_machine.travel(moment), pytest.raises(HallConflict, match="不在办公时间"):
        kiosk_ticket(hs)
    assert not Ticket.objects.exists()


def test_only_the_halls_own_kiosk_issues_at_the_hall(hs: HallSetup) -> None:
    stray = device_register(kind=DeviceIdentity.Kind.KIOSK, name="别处的自助机")
    with pytest.raises(PermissionDenied, match="不属于本大厅"):
        ticket_issue(hall=hs.hall, category=hs.a, source=Ticket.Source.KIOSK, device=stray.device)
    with pytest.raises(PermissionDenied, match="取号自助机"):
        ticket_issue(
            hall=hs.hall, category=hs.a, source=Ticket.Source.KIOSK, device=hs.board.device
        )


def test_the_api_issues_to_kiosks_by_key_and_refuses_a_revoked_key(hs: HallSetup) -> None:
    client = Client()
    url = f"/api/hall/halls/{hs.hall.code}/tickets"
    headers = {"Authorization": f"Device {hs.kiosk.api_key}"}
    response = client.post(
        url, {"category": hs.a.pk}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "A001" and body["ahead"] == 0
    follow = client.get(f"/api/hall/tickets/{body['token']}")
    assert follow.status_code == 200 and follow.json()["number"] == "A001"

    device_revoke(device=hs.kiosk.device)
    refused = client.post(
        url, {"category": hs.a.pk}, content_type="application/json", headers=headers
    )
    assert refused.status_code == 401
    assert "设备密钥" in refused.json()["detail"]


def test_the_api_answers_closed_hall_and_bad_category_clearly(hs: HallSetup) -> None:
    client = Client()
    url = f"/api/hall/halls/{hs.hall.code}/tickets"
    headers = {"Authorization": f"Device {hs.kiosk.api_key}"}
    with time_machine.travel(dt.datetime(2026, 3, 7, 2, 0, tzinfo=dt.UTC)):
        closed = client.post(
            url, {"category": hs.a.pk}, content_type="application/json", headers=headers
        )
    assert closed.status_code == 409 and "不在办公时间" in closed.json()["detail"]
    missing = client.post(
        url, {"category": 999999}, content_type="application/json", headers=headers
    )
    assert missing.status_code == 404
    anonymous = client.post(url, {"category": hs.a.pk}, content_type="application/json")
    assert anonymous.status_code == 401


def test_remote_tickets_need_a_signed_in_person(hs: HallSetup, zhangsan: User) -> None:
    with pytest.raises(PermissionDenied, match="请先登录"):
        ticket_issue(hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE)
    client = Client()
    client.force_login(zhangsan)
    response = client.post(f"/hall/{hs.hall.code}/ticket/", {"category": hs.b.pk})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.applicant == zhangsan and ticket.source == Ticket.Source.REMOTE
    page = client.get(response["Location"])
    assert "B001" in page.content.decode()


def test_priority_claims_are_checked_where_the_platform_can(hs: HallSetup) -> None:
    young = UserFactory(
        roles=[Role.APPLICANT], id_number=make_id_number("610102", dt.date(1990, 5, 1), 7)
    )
    old = UserFactory(
        roles=[Role.APPLICANT], id_number=make_id_number("610102", dt.date(1950, 5, 1), 8)
    )
    remote = {"hall": hs.hall, "category": hs.a, "source": Ticket.Source.REMOTE}
    with pytest.raises(ValidationError, match="年满60周岁"):
        ticket_issue(**remote, applicant=young, priority="elderly")  # type: ignore[arg-type]
    assert ticket_issue(**remote, applicant=old, priority="elderly").priority == "elderly"  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="待补正"):
        ticket_issue(**remote, applicant=young, priority="correction")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="不能申请"):
        ticket_issue(**remote, applicant=young, priority="appointment")  # type: ignore[arg-type]
    # At a kiosk nobody is known: the claim is recorded and checked at the window.
    assert kiosk_ticket(hs, priority="disabled").priority == "disabled"
    hs.hall.priority_disabled = False
    hs.hall.save()
    with pytest.raises(ValidationError, match="未设置"):
        kiosk_ticket(hs, priority="disabled")


def test_place_in_queue_and_estimated_wait(hs: HallSetup, hall_clerk: User) -> None:
    tickets = [kiosk_ticket(hs) for _ in range(4)]
    late_priority = kiosk_ticket(hs, priority="elderly")
    last = selectors.ticket_position(tickets[-1])
    assert last is not None
    # Three normal tickets and one priority ticket are ahead of A004; no window is open, so
    # the estimate assumes one: 4 × the category's 6 minutes.
    assert (last.ahead, last.windows_open, last.wait_minutes) == (4, 0, 24)
    first_priority = selectors.ticket_position(late_priority)
    assert first_priority is not None and first_priority.ahead == 0

    from tongban.hall.services.console import window_sign_in

    window_sign_in(user=hall_clerk, window=hs.w2)
    two_windows = selectors.ticket_position(tickets[-1])
    assert two_windows is not None and two_windows.windows_open == 1


def test_the_holder_may_cancel_a_waiting_ticket(hs: HallSetup, zhangsan: User) -> None:
    ticket = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    stranger = UserFactory(roles=[Role.APPLICANT])
    with pytest.raises(PermissionDenied):
        ticket_cancel(ticket=ticket, applicant=stranger)
    assert ticket_cancel(ticket=ticket, applicant=zhangsan).status == Ticket.Status.CANCELLED
    with pytest.raises(HallConflict):
        ticket_cancel(ticket=ticket, applicant=zhangsan)


def test_a_person_holds_one_live_ticket_per_queue_and_pressing_again_shows_it(
    hs: HallSetup, zhangsan: User
) -> None:
    first = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    again = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    assert again.pk == first.pk and Ticket.objects.filter(category=hs.a).count() == 1
    other_queue = ticket_issue(
        hall=hs.hall, category=hs.b, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    assert other_queue.pk != first.pk
    ticket_cancel(ticket=first, applicant=zhangsan)
    after_cancel = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    assert after_cancel.pk != first.pk and after_cancel.number == "A002"
