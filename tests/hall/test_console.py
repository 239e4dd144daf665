"""The window console: signing in, fair calling with bounded priority, recalls and no-shows,
transfers, linking the ticket to a case (one visit), and the near-turn notice."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tests.hall.test_tickets import kiosk_ticket
from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseState
from tongban.hall.models import HallEvent, Ticket
from tongban.hall.services import HallConflict
from tongban.hall.services import console as c
from tongban.hall.services.tickets import ticket_issue
from tongban.notify.models import Notification


def test_only_the_halls_staff_sign_in_and_one_person_per_window(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    outsider = UserFactory(roles=[Role.CLERK])
    with pytest.raises(PermissionDenied, match="不是"):
        c.window_sign_in(user=outsider, window=hs.w1)
    c.window_sign_in(user=hall_clerk, window=hs.w1)
    with pytest.raises(HallConflict, match="已由"):
        c.window_sign_in(user=second_clerk, window=hs.w1)
    # Moving to another window closes the first session.
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.window_sign_in(user=second_clerk, window=hs.w1)


def test_a_window_not_signed_in_cannot_call(hs: HallSetup, hall_clerk: User) -> None:
    kiosk_ticket(hs)
    with pytest.raises(HallConflict, match="尚未在窗口签到"):
        c.ticket_call_next(user=hall_clerk)
    client = Client()
    client.force_login(hall_clerk)
    response = client.post("/api/hall/console/call-next")
    assert response.status_code == 409 and "签到" in response.json()["detail"]


def test_calls_take_the_longest_wait_across_the_windows_categories(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    a1, b1, a2 = kiosk_ticket(hs, "A"), kiosk_ticket(hs, "B"), kiosk_ticket(hs, "A")
    c.window_sign_in(user=hall_clerk, window=hs.w1)  # A and B
    c.window_sign_in(user=second_clerk, window=hs.w3)  # B only
    assert c.ticket_call_next(user=second_clerk).pk == b1.pk  # type: ignore[union-attr]
    assert c.ticket_call_next(user=hall_clerk).pk == a1.pk  # type: ignore[union-attr]
    with pytest.raises(HallConflict, match="请先办结"):
        c.ticket_call_next(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=a1.pk)
    c.ticket_finish(user=hall_clerk, ticket_id=a1.pk)
    called = c.ticket_call_next(user=hall_clerk)
    assert called is not None and called.pk == a2.pk
    event = HallEvent.objects.filter(kind=HallEvent.Kind.CALLED).latest("id")
    assert event.text == "请 A 0 0 2 号 到 1 号窗口办理"


def test_priority_goes_first_but_never_starves_the_others(hs: HallSetup, hall_clerk: User) -> None:
    normal = [kiosk_ticket(hs) for _ in range(2)]
    priority = [kiosk_ticket(hs, priority="elderly") for _ in range(5)]
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    order = []
    for _ in range(7):
        ticket = c.ticket_call_next(user=hall_clerk)
        assert ticket is not None
        order.append(ticket.number)
        c.ticket_start(user=hall_clerk, ticket_id=ticket.pk)
        c.ticket_finish(user=hall_clerk, ticket_id=ticket.pk)
    p = [t.number for t in priority]
    n = [t.number for t in normal]
    # Streak limit 2: two priority tickets, then the longest-waiting normal one, and so on.
    assert order == [p[0], p[1], n[0], p[2], p[3], n[1], p[4]]
    assert c.ticket_call_next(user=hall_clerk) is None


def test_recalls_then_no_show(hs: HallSetup, hall_clerk: User) -> None:
    ticket = kiosk_ticket(hs)
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    with pytest.raises(HallConflict, match="须重呼2次"):
        c.ticket_no_show(user=hall_clerk, ticket_id=ticket.pk)
    c.ticket_recall(user=hall_clerk, ticket_id=ticket.pk)
    c.ticket_recall(user=hall_clerk, ticket_id=ticket.pk)
    assert c.ticket_no_show(user=hall_clerk, ticket_id=ticket.pk).status == Ticket.Status.NO_SHOW
    kinds = list(
        HallEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["issued", "called", "recalled", "recalled", "no_show"]


def test_a_ticket_at_another_window_is_not_mine(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    ticket = kiosk_ticket(hs)
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.window_sign_in(user=second_clerk, window=hs.w1)
    c.ticket_call_next(user=hall_clerk)
    with pytest.raises(HallConflict, match="不在1号窗口"):
        c.ticket_start(user=second_clerk, ticket_id=ticket.pk)


def test_transfer_keeps_the_place_and_checks_the_target(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    first = kiosk_ticket(hs, "A")
    b_waiting = kiosk_ticket(hs, "B")
    c.window_sign_in(user=hall_clerk, window=hs.w2)  # A only
    c.window_sign_in(user=second_clerk, window=hs.w3)  # B only
    c.ticket_call_next(user=hall_clerk)
    with pytest.raises(ValidationError) as refused:
        c.ticket_transfer(user=hall_clerk, ticket_id=first.pk, category=hs.a, target=hs.w3)
    assert "3号窗口不办理“综合受理”" in str(refused.value)
    moved = c.ticket_transfer(user=hall_clerk, ticket_id=first.pk, category=hs.b)
    assert (moved.status, moved.category, moved.number) == ("waiting", hs.b, "A001")
    # Issued before B001, so it is called before it at the B window.
    called = c.ticket_call_next(user=second_clerk)
    assert called is not None and called.pk == first.pk
    assert Ticket.objects.get(pk=b_waiting.pk).status == Ticket.Status.WAITING


def test_transfer_to_a_named_window_is_called_there_first(
    hs: HallSetup, hall_clerk: User, second_clerk: User
) -> None:
    first = kiosk_ticket(hs, "A")
    kiosk_ticket(hs, "B")
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.window_sign_in(user=second_clerk, window=hs.w1)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=first.pk)
    c.ticket_transfer(user=hall_clerk, ticket_id=first.pk, target=hs.w1)
    client = Client()
    client.force_login(second_clerk)
    response = client.post("/api/hall/console/call-next")
    assert response.status_code == 200 and response.json()["number"] == "A001"


def test_linking_a_case_counts_one_visit(
    hs: HallSetup, hall_clerk: User, submitted: Case, zhangsan: User
) -> None:
    ticket = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    with pytest.raises(HallConflict):
        c.ticket_accept_case(user=hall_clerk, ticket_id=ticket.pk, case=submitted)
    c.ticket_start(user=hall_clerk, ticket_id=ticket.pk)
    link = c.ticket_accept_case(user=hall_clerk, ticket_id=ticket.pk, case=submitted)
    case = Case.objects.get(pk=submitted.pk)
    assert case.state == CaseState.ACCEPTED and case.number
    assert case.visits.count() == 1
    assert link.visit is not None and link.visit.purpose == "window_application"
    # Linking again, or finishing and linking, does not count a second visit.
    c.ticket_link_case(user=hall_clerk, ticket_id=ticket.pk, case=case)
    c.ticket_finish(user=hall_clerk, ticket_id=ticket.pk)
    c.ticket_link_case(user=hall_clerk, ticket_id=ticket.pk, case=case)
    assert case.visits.count() == 1
    assert case.events.filter(action="accept").exists()


def test_linking_through_the_api_reports_the_visit_count(
    hs: HallSetup, hall_clerk: User, submitted: Case
) -> None:
    ticket = kiosk_ticket(hs)
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=ticket.pk)
    client = Client()
    client.force_login(hall_clerk)
    url = f"/api/hall/console/tickets/{ticket.pk}/link-case"
    missing = client.post(url, {"case": "nope"}, content_type="application/json")
    assert missing.status_code == 404
    response = client.post(url, {"case": str(submitted.pk)}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["visits"] == 1


def test_the_near_turn_notice_goes_out_once(hs: HallSetup, hall_clerk: User) -> None:
    holders = [UserFactory(roles=[Role.APPLICANT]) for _ in range(6)]
    tickets = [
        ticket_issue(hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=h)
        for h in holders
    ]
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)  # A001 called; A002–A004 have ≤ 3 ahead
    notified = set(
        Notification.objects.filter(channel="inbox").values_list("recipient_id", flat=True)
    )
    assert notified == {h.pk for h in holders[1:5]}
    body = Notification.objects.filter(recipient=holders[4], channel="inbox").get().body
    assert "前面还有3人" in body
    assert Notification.objects.filter(recipient=holders[4], channel="sms").exists()
    c.ticket_start(user=hall_clerk, ticket_id=tickets[0].pk)
    c.ticket_finish(user=hall_clerk, ticket_id=tickets[0].pk)
    c.ticket_call_next(user=hall_clerk)
    assert Notification.objects.filter(recipient=holders[4], channel="inbox").count() == 1
    assert Notification.objects.filter(recipient=holders[5], channel="inbox").count() == 1


def test_sign_out_waits_for_the_current_ticket(hs: HallSetup, hall_clerk: User) -> None:
    ticket = kiosk_ticket(hs)
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    with pytest.raises(HallConflict, match="再签退"):
        c.window_sign_out(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=ticket.pk)
    c.ticket_finish(user=hall_clerk, ticket_id=ticket.pk)
    c.window_sign_out(user=hall_clerk)
    with pytest.raises(HallConflict, match="尚未"):
        c.ticket_call_next(user=hall_clerk)
