"""The window console: sign in and out, call the fairest next ticket, recall, mark a no-show,
start and finish service, transfer, and link the ticket to the cases handled for it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.lifecycle import case_accept, case_start_pre_review
from tongban.cases.services.visits import case_visit_record
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.hall import selectors
from tongban.hall.models import (
    HallEvent,
    QueueCategory,
    Ticket,
    TicketCase,
    Window,
    WindowSession,
)
from tongban.hall.services import HallConflict
from tongban.hall.services.events import hall_event, spoken_text
from tongban.notify.services import notify

# --- signing in and out ----------------------------------------------------------------------


def may_staff_window(user: User, window: Window) -> bool:
    hall = window.hall
    return bool(
        user.is_active
        and (
            (user.has_role(Role.CLERK) and hall.staff.filter(pk=user.pk).exists())
            or (user.has_role(Role.HALL_MANAGER) and hall.managers.filter(pk=user.pk).exists())
        )
    )


@transaction.atomic
def window_sign_in(*, user: User, window: Window) -> WindowSession:
    window = Window.objects.select_for_update(of=("self",)).select_related("hall").get(pk=window.pk)
    if not may_staff_window(user, window):
        raise PermissionDenied(f"您不是{window.hall.name}的窗口人员")
    if not window.active:
        raise HallConflict(f"{window.label}已停用")
    taken = WindowSession.objects.filter(window=window, ended_at__isnull=True).first()
    if taken is not None and taken.user_id != user.pk:
        raise HallConflict(f"{window.label}已由{taken.user.real_name}签到")
    if taken is not None:
        return taken
    now = clock.now()
    previous = WindowSession.objects.filter(user=user, ended_at__isnull=True)
    for old in previous.select_related("window"):
        _windows_changed(old.window)
    previous.update(ended_at=now)
    try:
        with transaction.atomic():
            session = WindowSession.objects.create(window=window, user=user, started_at=now)
    except IntegrityError as exc:
        raise HallConflict(f"{window.label}刚刚已由他人签到") from exc
    _windows_changed(window)
    audit_log(action="hall.window.sign_in", obj=window, changes={"user": [None, user.username]})
    return session


@transaction.atomic
def window_sign_out(*, user: User) -> None:
    session = selectors.open_session(user.pk)
    if session is None:
        return
    current = selectors.current_ticket(session.window)
    if current is not None:
        raise HallConflict(f"请先办结或转移当前的{current.number}号再签退")
    session.ended_at = clock.now()
    session.save(update_fields=["ended_at"])
    _windows_changed(session.window)
    audit_log(
        action="hall.window.sign_out", obj=session.window, changes={"user": [user.username, None]}
    )


def _windows_changed(window: Window) -> None:
    # Now (this transaction's own reads) and after commit (a read in between may have cached
    # the old count).
    selectors.windows_changed(window)
    transaction.on_commit(lambda: selectors.windows_changed(window))


def _session(user: User) -> WindowSession:
    session = selectors.open_session(user.pk)
    if session is None:
        raise HallConflict("您尚未在窗口签到，请先签到")
    return session


def _locked_ticket(ticket_id: int, window: Window, *states: str) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("category", "hall")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or ticket.hall_id != window.hall_id:
        raise HallConflict("本大厅没有这个排队号")
    if ticket.window_id != window.pk:
        raise HallConflict(f"{ticket.number}号不在{window.label}办理")
    if states and ticket.status not in states:
        raise HallConflict(f"{ticket.number}号当前“{ticket.get_status_display()}”，不能执行此操作")
    return ticket


# --- calling -----------------------------------------------------------------------------------


def _prefer_normal(window: Window, categories: list[int], day: dt.date) -> bool:
    """True when the last `priority_streak_limit` calls here were all priority tickets:
    the next call goes to the longest-waiting normal ticket, so priority never starves it."""
    limit = window.hall.priority_streak_limit
    if not limit:
        return False
    recent = list(
        Ticket.objects.filter(category__in=categories, day=day, called_at__isnull=False)
        .order_by("-called_at")
        .values_list("priority", flat=True)[:limit]
    )
    return len(recent) == limit and all(recent)


def _next_ticket(window: Window) -> Ticket | None:
    day = clock.localdate()
    categories = list(window.categories.filter(active=True).values_list("pk", flat=True))
    # Locked as it is picked; a ticket another window is calling right now is skipped, so
    # windows calling at the same moment get different tickets instead of a conflict.
    waiting = selectors.waiting_for(categories, day, window).select_for_update(
        skip_locked=True, of=("self",)
    )
    # Tickets transferred to this very window come first, then priority (bounded), then the
    # longest wait across all the window's categories.
    targeted = waiting.filter(target_window=window).order_by("queued_at").first()
    if targeted is not None:
        return targeted
    if _prefer_normal(window, categories, day):
        normal = waiting.filter(priority="").order_by("queued_at").first()
        if normal is not None:
            return normal
    first_priority = waiting.filter(~Q(priority="")).order_by("queued_at").first()
    return first_priority or waiting.order_by("queued_at").first()


@transaction.atomic
def ticket_call_next(*, user: User) -> Ticket | None:
    """Call the fairest next ticket for the user's window; None when nobody waits."""
    session = _session(user)
    window = (
        Window.objects.select_for_update(of=("self",))
        .select_related("hall")
        .get(pk=session.window_id)
    )
    current = selectors.current_ticket(window)
    if current is not None:
        raise HallConflict(f"请先办结、转移或标记过号当前的{current.number}号")
    candidate = _next_ticket(window)
    if candidate is None:
        return None
    ticket = candidate  # locked by the pick, and still waiting (re-read under the lock)
    now = clock.now()
    ticket.status = Ticket.Status.CALLED
    ticket.window = window
    ticket.served_by = user
    ticket.target_window = None
    ticket.called_at = ticket.called_at or now
    ticket.recalls = 0
    ticket.save(
        update_fields=["status", "window", "served_by", "target_window", "called_at", "recalls"]
    )
    hall_event(ticket, HallEvent.Kind.CALLED, window=window, text=spoken_text(ticket, window))
    _notify_near(window)
    audit_log(
        action="hall.ticket.call",
        obj=ticket,
        changes={"status": ["waiting", "called"], "window": [None, window.number]},
    )
    return ticket


def _notify_near(window: Window) -> None:
    """Tell the holders of the next few tickets (with an account) that their turn is near."""
    ahead = window.hall.near_notice_ahead
    if not ahead:
        return
    day = clock.localdate()
    for category in window.categories.filter(active=True):
        upcoming = list(
            selectors.waiting_for([category.pk], day)
            .select_related("applicant")
            .order_by("queued_at")[: ahead + 1]
        )
        for ticket in upcoming:
            if ticket.near_notified or ticket.applicant is None:
                continue
            position = selectors.ticket_position(ticket)
            if position is None or position.ahead > ahead:
                continue
            notify(
                recipients=[ticket.applicant],
                subject=f"{window.hall.name}：{ticket.number}号即将叫到",
                body=(
                    f"您的排队号{ticket.number}（{category.name}）前面还有{position.ahead}人，"
                    "请到大厅等候区留意叫号。"
                ),
                ref=f"hall-ticket:{ticket.pk}",
            )
            Ticket.objects.filter(pk=ticket.pk).update(near_notified=True)


@transaction.atomic
def ticket_recall(*, user: User, ticket_id: int) -> Ticket:
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.CALLED)
    ticket.recalls += 1
    ticket.save(update_fields=["recalls"])
    hall_event(ticket, HallEvent.Kind.RECALLED, window=window, text=spoken_text(ticket, window))
    audit_log(action="hall.ticket.recall", obj=ticket, changes={"recalls": ticket.recalls})
    return ticket


def _move(ticket: Ticket, window: Window, *, to: str, stamp: str, kind: str, action: str) -> Ticket:
    """One step of a ticket at its window: the new status, when it happened, the event the
    analysis counts and the audit record."""
    before = ticket.status
    ticket.status = to
    setattr(ticket, stamp, clock.now())
    ticket.save(update_fields=["status", stamp, "served_by"])
    hall_event(ticket, kind, window=window)
    audit_log(action=f"hall.ticket.{action}", obj=ticket, changes={"status": [before, to]})
    return ticket


@transaction.atomic
def ticket_no_show(*, user: User, ticket_id: int) -> Ticket:
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.CALLED)
    limit = ticket.hall.recall_limit
    if ticket.recalls < limit:
        raise HallConflict(f"须重呼{limit}次仍未到才能标记过号（已重呼{ticket.recalls}次）")
    return _move(
        ticket,
        window,
        to=Ticket.Status.NO_SHOW,
        stamp="finished_at",
        kind=HallEvent.Kind.NO_SHOW,
        action="no_show",
    )


@transaction.atomic
def ticket_start(*, user: User, ticket_id: int) -> Ticket:
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.CALLED)
    ticket.served_by = user
    return _move(
        ticket,
        window,
        to=Ticket.Status.SERVING,
        stamp="service_started_at",
        kind=HallEvent.Kind.STARTED,
        action="start",
    )


@transaction.atomic
def ticket_finish(*, user: User, ticket_id: int) -> Ticket:
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.SERVING)
    return _move(
        ticket,
        window,
        to=Ticket.Status.DONE,
        stamp="finished_at",
        kind=HallEvent.Kind.FINISHED,
        action="finish",
    )


@transaction.atomic
def ticket_transfer(
    *,
    user: User,
    ticket_id: int,
    category: QueueCategory | None = None,
    target: Window | None = None,
) -> Ticket:
    """Send the ticket on to another category and/or a named window. It keeps its place in
    the queue (its original queueing time), and a named window calls it first."""
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.CALLED, Ticket.Status.SERVING)
    new_category = category or ticket.category
    errors: dict[str, list[str]] = {}
    if category is None and target is None:
        errors["category"] = ["请选择转往的类别或窗口"]
    if new_category.hall_id != ticket.hall_id or not new_category.active:
        errors["category"] = ["本大厅没有这个排队类别"]
    if target is not None:
        if target.hall_id != ticket.hall_id or not target.active:
            errors["window"] = ["本大厅没有这个窗口"]
        elif target.pk == window.pk:
            errors["window"] = ["不能转给本窗口"]
        elif not target.categories.filter(pk=new_category.pk).exists():
            errors["window"] = [f"{target.label}不办理“{new_category.name}”"]
    if errors:
        raise ValidationError(errors)
    before = {"category": ticket.category.letter, "status": ticket.status}
    ticket.category = new_category
    ticket.target_window = target
    ticket.status = Ticket.Status.WAITING
    ticket.window = None
    ticket.service_started_at = None
    ticket.transfers += 1
    ticket.save(
        update_fields=[
            "category",
            "target_window",
            "status",
            "window",
            "service_started_at",
            "transfers",
        ]
    )
    hall_event(ticket, HallEvent.Kind.TRANSFERRED, window=window)
    audit_log(
        action="hall.ticket.transfer",
        obj=ticket,
        changes={
            "category": [before["category"], new_category.letter],
            "status": [before["status"], "waiting"],
            **({"window": [window.number, target.number]} if target else {}),
        },
    )
    return ticket


@transaction.atomic
def ticket_link_case(*, user: User, ticket_id: int, case: Case) -> TicketCase:
    """The case accepted or handled for this ticket; its visit is counted once."""
    window = _session(user).window
    ticket = _locked_ticket(ticket_id, window, Ticket.Status.SERVING, Ticket.Status.DONE)
    link = TicketCase.objects.filter(ticket=ticket, case=case).first()
    if link is not None:
        return link
    visit = case_visit_record(case=case, actor=user, since=ticket.issued_at)
    link = TicketCase.objects.create(ticket=ticket, case=case, visit=visit, linked_by=user)
    audit_log(
        action="hall.ticket.link_case",
        obj=ticket,
        changes={"case": [None, case.number or case.pk]},
    )
    return link


@transaction.atomic
def ticket_accept_case(*, user: User, ticket_id: int, case: Case) -> TicketCase:
    """At the window: pre-review and accept the person's submitted case in person, and link
    it to the ticket (one visit, counted once)."""
    window = _session(user).window
    _locked_ticket(ticket_id, window, Ticket.Status.SERVING)
    if case.state == CaseState.SUBMITTED:
        case = case_start_pre_review(case=case, actor=user)
    case = case_accept(case=case, actor=user, in_person=True)
    return ticket_link_case(user=user, ticket_id=ticket_id, case=case)
