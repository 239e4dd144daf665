"""Hall API: halls and their queues (public), tickets from kiosks (device key) and from
people (session), a ticket's place in the queue, the window console and the board's calls."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.security import SessionAuth

from tongban.accounts.api import DeviceKeyAuth
from tongban.accounts.requests import request_device, request_user, request_user_or_none
from tongban.cases.models import Case
from tongban.core.api_types import ObjectId, Offset
from tongban.hall import presenters, selectors
from tongban.hall.models import Appointment, AppointmentSlot, Hall, QueueCategory, Ticket, Window
from tongban.hall.schemas import (
    AppointmentOut,
    BookIn,
    CallOut,
    CaseRefIn,
    CheckInIn,
    ConsoleOut,
    HallOut,
    LinkOut,
    SignInIn,
    SlotOut,
    TicketIn,
    TicketOut,
    TransferIn,
)
from tongban.hall.services import appointments, console
from tongban.hall.services.tickets import ticket_cancel, ticket_issue

router = Router(tags=["服务大厅 hall"])
session = SessionAuth()


def _hall(code: str) -> Hall:
    hall = selectors.hall_by_code(code)
    if hall is None or not hall.active:
        raise Http404(f"大厅“{code}”不存在")
    return hall


@router.get("/halls", response=list[HallOut], summary="服务大厅及各类别排队情况")
def halls(request: HttpRequest) -> list[dict[str, Any]]:
    return [presenters.hall_out(h) for h in Hall.objects.filter(active=True).order_by("code")]


@router.get("/halls/{code}", response=HallOut, summary="一个大厅的排队情况")
def hall_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return presenters.hall_out(_hall(code))


@router.post(
    "/halls/{code}/tickets",
    response={201: TicketOut},
    auth=[DeviceKeyAuth(), session],
    summary="取号（自助机凭设备密钥，个人登录后远程取号）",
)
def issue(request: HttpRequest, code: str, payload: TicketIn) -> Status[dict[str, Any]]:
    hall = _hall(code)
    category = selectors.hall_category(hall, payload.category)
    if category is None:
        raise Http404("本大厅没有这个排队类别")
    device = request_device(request)
    ticket = ticket_issue(
        hall=hall,
        category=category,
        source=Ticket.Source.KIOSK if device else Ticket.Source.REMOTE,
        device=device,
        applicant=request_user_or_none(request),
        priority=payload.priority,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, presenters.ticket_out(ticket))


@router.get("/tickets/{token}", response=TicketOut, summary="排队号的位置和预计等候时间")
def ticket_detail(request: HttpRequest, token: str) -> dict[str, Any]:
    ticket = presenters.ticket_from_token(token)
    if ticket is None:
        raise Http404("排队号不存在或链接已失效")
    return presenters.ticket_out(ticket)


@router.post("/tickets/{token}/cancel", response=TicketOut, auth=session, summary="取消排队号")
def cancel(request: HttpRequest, token: str) -> dict[str, Any]:
    ticket = presenters.ticket_from_token(token)
    if ticket is None:
        raise Http404("排队号不存在或链接已失效")
    return presenters.ticket_out(ticket_cancel(ticket=ticket, applicant=request_user(request)))


@router.get("/halls/{code}/calls", response=list[CallOut], summary="叫号记录（显示屏补取）")
def calls(request: HttpRequest, code: str, after: Offset = 0) -> list[dict[str, Any]]:
    hall = _hall(code)
    events = selectors.events_after(hall, after) if after else selectors.recent_calls(hall)
    return [presenters.call_out(e) for e in events]


# --- appointments ------------------------------------------------------------------------------


@router.get("/halls/{code}/slots", response=list[SlotOut], summary="可预约时段")
def slots(request: HttpRequest, code: str, category: ObjectId) -> list[dict[str, Any]]:
    return [presenters.slot_out(s) for s in selectors.open_slots(_hall(code), category)]


@router.post("/appointments", response={201: AppointmentOut}, auth=session, summary="预约")
def book(request: HttpRequest, payload: BookIn) -> Status[dict[str, Any]]:
    slot = AppointmentSlot.objects.filter(pk=payload.slot).first()
    if slot is None:
        raise Http404("预约时段不存在")
    appointment = appointments.appointment_book(
        applicant=request_user(request), slot=slot, idempotency_key=payload.idempotency_key
    )
    return Status(201, presenters.appointment_out(appointment))


@router.get("/appointments", response=list[AppointmentOut], auth=session, summary="我的预约")
def my_appointments(request: HttpRequest) -> list[dict[str, Any]]:
    mine = selectors.appointments_of(request_user(request).pk)[:50]
    return [presenters.appointment_out(a) for a in mine]


def _my_appointment(request: HttpRequest, appointment_id: ObjectId) -> Appointment:
    appointment = (
        selectors.appointments_of(request_user(request).pk).filter(pk=appointment_id).first()
    )
    if appointment is None:
        raise Http404("预约不存在")
    return appointment


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    auth=session,
    summary="取消预约",
)
def cancel_appointment(request: HttpRequest, appointment_id: ObjectId) -> dict[str, Any]:
    appointment = appointments.appointment_cancel(
        applicant=request_user(request), appointment=_my_appointment(request, appointment_id)
    )
    return presenters.appointment_out(appointment)


@router.post(
    "/appointments/{appointment_id}/check-in",
    response=TicketOut,
    auth=session,
    summary="在手机上签到取号",
)
def check_in_online(request: HttpRequest, appointment_id: ObjectId) -> dict[str, Any]:
    ticket = appointments.appointment_check_in(
        appointment=_my_appointment(request, appointment_id), applicant=request_user(request)
    )
    return presenters.ticket_out(ticket)


@router.post(
    "/halls/{code}/check-in",
    response=TicketOut,
    auth=DeviceKeyAuth(),
    summary="自助机凭签到码签到取号",
)
def check_in_kiosk(request: HttpRequest, code: str, payload: CheckInIn) -> dict[str, Any]:
    hall = _hall(code)
    device = request.auth  # type: ignore[attr-defined]
    appointment = appointments.appointment_by_code(hall, payload.code, device=device)
    if appointment is None:
        raise Http404("签到码无效（只能签到本大厅今天的预约）")
    return presenters.ticket_out(
        appointments.appointment_check_in(appointment=appointment, device=device)
    )


# --- the window console ------------------------------------------------------------------------


@router.get("/console", response=ConsoleOut, auth=session, summary="窗口工作台状态")
def console_state(request: HttpRequest) -> dict[str, Any]:
    return presenters.console_out(request_user(request))


@router.post("/console/sign-in", response=ConsoleOut, auth=session, summary="窗口签到")
def sign_in(request: HttpRequest, payload: SignInIn) -> dict[str, Any]:
    user = request_user(request)
    window = Window.objects.select_related("hall").filter(pk=payload.window).first()
    if window is None:
        raise Http404("窗口不存在")
    console.window_sign_in(user=user, window=window)
    return presenters.console_out(user)


@router.post("/console/sign-out", response=ConsoleOut, auth=session, summary="窗口签退")
def sign_out(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    console.window_sign_out(user=user)
    return presenters.console_out(user)


@router.post(
    "/console/call-next", response={200: TicketOut, 204: None}, auth=session, summary="叫下一个号"
)
def call_next(request: HttpRequest) -> Any:
    ticket = console.ticket_call_next(user=request_user(request))
    if ticket is None:
        return Status(204, None)
    return Status(200, presenters.ticket_out(ticket))


@router.post(
    "/console/tickets/{ticket_id}/transfer", response=TicketOut, auth=session, summary="转移"
)
def transfer(request: HttpRequest, ticket_id: ObjectId, payload: TransferIn) -> dict[str, Any]:
    category = (
        QueueCategory.objects.filter(pk=payload.category).first() if payload.category else None
    )
    target = Window.objects.filter(pk=payload.window).first() if payload.window else None
    if (payload.category and category is None) or (payload.window and target is None):
        raise Http404("转往的类别或窗口不存在")
    ticket = console.ticket_transfer(
        user=request_user(request), ticket_id=ticket_id, category=category, target=target
    )
    return presenters.ticket_out(ticket)


def _case(ref: str) -> Case:
    case = selectors.case_by_ref(ref)
    if case is None:
        raise Http404(f"办件“{ref}”不存在")
    return case


@router.post(
    "/console/tickets/{ticket_id}/link-case",
    response=LinkOut,
    auth=session,
    summary="关联本号办理的办件（计入到现场次数）",
)
def link_case(request: HttpRequest, ticket_id: ObjectId, payload: CaseRefIn) -> dict[str, Any]:
    link = console.ticket_link_case(
        user=request_user(request), ticket_id=ticket_id, case=_case(payload.case)
    )
    return presenters.link_out(link)


@router.post(
    "/console/tickets/{ticket_id}/accept-case",
    response=LinkOut,
    auth=session,
    summary="窗口受理办件并关联本号",
)
def accept_case(request: HttpRequest, ticket_id: ObjectId, payload: CaseRefIn) -> dict[str, Any]:
    link = console.ticket_accept_case(
        user=request_user(request), ticket_id=ticket_id, case=_case(payload.case)
    )
    return presenters.link_out(link)


# Last: the generic step route must not shadow transfer, link-case and accept-case.
STEPS = {
    "recall": console.ticket_recall,
    "start": console.ticket_start,
    "finish": console.ticket_finish,
    "no-show": console.ticket_no_show,
}


@router.post(
    "/console/tickets/{ticket_id}/{step}",
    response=TicketOut,
    auth=session,
    summary="重呼 recall / 开始办理 start / 办结 finish / 过号 no-show",
)
def ticket_step(request: HttpRequest, ticket_id: ObjectId, step: str) -> dict[str, Any]:
    if step not in STEPS:
        raise Http404("未知操作")
    return presenters.ticket_out(STEPS[step](user=request_user(request), ticket_id=ticket_id))
