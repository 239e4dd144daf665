"""The demo city's service hall: 西安市政务服务中心 with four ticket categories, eight windows,
its kiosk and display board, and the window staff."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tongban.accounts.models import Department, DeviceIdentity, Role, User
from tongban.accounts.services import user_create
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.hall import selectors
from tongban.hall.models import Hall, KioskPrinter, Ticket, Window
from tongban.hall.selectors import working_day
from tongban.hall.services.console import (
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
    ticket_recall,
    ticket_start,
    window_sign_in,
    window_sign_out,
)
from tongban.hall.services.setup import hall_define, hall_device_place, kiosk_printer_set
from tongban.hall.services.tickets import ticket_issue

# Which departments' enterprise items each specialised category covers; 综合受理 (A) takes
# every item: any window clerk may accept any department's item (只进一扇门).
STARTUP_DEPARTMENTS = {"scjg", "gaj", "swj", "whlv"}
CONSTRUCTION_DEPARTMENTS = {"fgw", "zrzy", "zjj", "sthj", "cgj"}
SOCIAL_DEPARTMENTS = {"rsj", "ybj", "gjj"}


def _codes(departments: set[str], *, enterprise_only: bool) -> list[str]:
    items = ServiceItem.objects.filter(
        state=ServiceItem.State.PUBLISHED, department__code__in=departments
    )
    if enterprise_only:
        items = items.exclude(audience="person")
    return sorted(set(items.values_list("code", flat=True)))


def demo_hall_seed() -> Hall:
    hall = hall_define(
        code="xa-civic",
        name="西安市政务服务中心",
        address="陕西省西安市未央区凤城八路109号（示例）",
        categories=[
            {
                "letter": "A",
                "name": "综合受理",
                "description": "个人事项及其他各类事项，一窗受理",
                "default_service_minutes": 8,
            },
            {
                "letter": "B",
                "name": "企业开办",
                "description": "营业执照、公章刻制、发票申领、出版物经营等",
                "item_codes": _codes(STARTUP_DEPARTMENTS, enterprise_only=True),
                "default_service_minutes": 15,
            },
            {
                "letter": "C",
                "name": "工程建设",
                "description": "立项、用地、规划、施工许可、环评等",
                "item_codes": _codes(CONSTRUCTION_DEPARTMENTS, enterprise_only=True),
                "default_service_minutes": 20,
            },
            {
                "letter": "D",
                "name": "社保医保",
                "description": "社会保险、医疗保障、住房公积金",
                "item_codes": _codes(SOCIAL_DEPARTMENTS, enterprise_only=False),
                "default_service_minutes": 10,
            },
        ],
        windows=[
            {"number": 1, "name": "综合受理", "categories": ["A"]},
            {"number": 2, "name": "综合受理", "categories": ["A"]},
            {"number": 3, "name": "综合受理", "categories": ["A"]},
            {"number": 4, "name": "企业开办", "categories": ["B", "A"]},
            {"number": 5, "name": "企业开办", "categories": ["B"]},
            {"number": 6, "name": "工程建设", "categories": ["C"]},
            {"number": 7, "name": "社保医保", "categories": ["D"]},
            {"number": 8, "name": "社保医保", "categories": ["D", "A"]},
        ],
        staff=User.objects.filter(username__in=["clerk", "clerk2"]),
        managers=User.objects.filter(username="manager"),
        opens_at="08:30",
        closes_at="18:00",
    )
    for name in ("市民中心自助机01", "市民中心叫号屏01"):
        device = DeviceIdentity.objects.filter(name=name).first()
        if device is not None:
            hall_device_place(device=device, hall=hall)
            if device.kind == DeviceIdentity.Kind.KIOSK:
                # The demo kiosk's printers are simulated: each print is a job in the admin.
                kiosk_printer_set(device=device, role=KioskPrinter.Role.RECEIPT)
                kiosk_printer_set(device=device, role=KioskPrinter.Role.A4)
    return hall


# --- a past day in the hall, replayed through the real services --------------------------------

# Relative arrivals per hour from 09:00 to 16:00: the morning peak, the lunch dip.
PROFILE = (1.3, 1.7, 1.5, 0.6, 0.7, 1.1, 0.9, 0.6)
# Per category: arrivals that day, mean service minutes.
DAY_MIX = {"A": (70, 8.0), "B": (24, 15.0), "C": (8, 20.0), "D": (36, 7.0)}
# Windows staffed that day (number → the person at it), as a hall might staff them.
STAFFED = (1, 2, 4, 6, 7)


def _window_staff(hall: Hall) -> dict[int, User]:
    department = Department.objects.get(code="rsj")
    staff = {}
    for n, number in enumerate(STAFFED, start=1):
        username = f"demo-w{n:02d}"
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=f"Demo-Window-{n:02d}-2026",
            real_name=f"窗口人员{n}号",
            roles=(Role.CLERK,),
            department=department,
            staff_number=f"XA{620000 + n}",
        )
        hall.staff.add(user)
        staff[number] = user
    return staff


def _previous_working_day(today: dt.date) -> dt.date:
    day = today - dt.timedelta(days=1)
    while not working_day(day):
        day -= dt.timedelta(days=1)
    return day


# Called with the ticket and the clerk serving it, at the simulated moment: the window's
# work on the ticket once service starts (a case accepted), and after it ends (a rating).
ServiceHook = Callable[[Ticket, User], None]


def demo_hall_history(
    hall: Hall,
    *,
    today: dt.date | None = None,
    day: dt.date | None = None,
    scale: float = 1.0,
    on_start: ServiceHook | None = None,
    on_finish: ServiceHook | None = None,
) -> int:
    """Replay one working day (the previous one by default: tickets, calls, service,
    no-shows) through the hall services at their simulated times, so the hall dashboard has
    a day to show; `scale` multiplies the arrivals, the hooks do the window's work on each
    ticket (the year's history accepts cases and takes ratings). Idempotent per day."""
    day = day or _previous_working_day(today or timezone.localdate())
    if Ticket.objects.filter(hall=hall, day=day).exists():
        return 0
    kiosk = hall.devices.filter(device__kind=DeviceIdentity.Kind.KIOSK).first()
    if kiosk is None:
        return 0
    rng = random.Random(day.toordinal())  # noqa: S311 — reproducible synthetic data
    staff = _window_staff(hall)
    categories = {c.letter: c for c in hall.categories.all()}
    opening = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    events: list[tuple[float, int, str, tuple[Any, ...]]] = []
    counter = itertools.count()

    def at(minute: float, kind: str, *data: Any) -> None:
        heapq.heappush(events, (minute, next(counter), kind, data))

    weight = sum(PROFILE)
    for letter, (per_day, _service) in DAY_MIX.items():
        for hour, w in enumerate(PROFILE):
            t = hour * 60.0
            rate = per_day * scale * w / weight / 60
            while (t := t + rng.expovariate(rate)) < (hour + 1) * 60:
                at(t, "arrive", letter)
    for number in staff:
        at(-20.0, "open", number)
    for number in staff:
        at(8 * 60.0 + 30, "close", number)

    plan: dict[int, tuple[float, bool]] = {}
    idle: set[int] = set()
    windows = {w.number: w for w in hall.windows.prefetch_related("categories")}
    serves = {n: {c.letter for c in windows[n].categories.all()} for n in staff}
    closing: set[int] = set()
    issued = 0
    while events:
        minute, _, kind, data = heapq.heappop(events)
        with clock.replaying_at(opening + dt.timedelta(minutes=minute)):
            if kind == "open":
                window_sign_in(user=staff[data[0]], window=windows[data[0]])
                idle.add(data[0])
            elif kind == "arrive":
                ticket = ticket_issue(
                    hall=hall,
                    category=categories[data[0]],
                    source=Ticket.Source.KIOSK,
                    device=kiosk.device,
                )
                issued += 1
                mean = DAY_MIX[data[0]][1]
                # Log-normal service times (coefficient of variation 0.5), 5 % no-shows.
                plan[ticket.pk] = (
                    rng.lognormvariate(math.log(mean) - 0.11, 0.47),
                    rng.random() < 0.05,
                )
                for number in sorted(idle):
                    if data[0] in serves[number]:
                        idle.discard(number)
                        at(minute, "free", number)
                        break
            elif kind == "free":
                number = data[0]
                user = staff[number]
                if number in closing:
                    continue
                called = ticket_call_next(user=user)
                if called is None:
                    idle.add(number)
                    continue
                service, no_show = plan.get(called.pk, (8.0, False))
                if no_show:
                    at(minute + 1, "recall", number, called.pk)
                    at(minute + 2, "recall", number, called.pk)
                    at(minute + 3, "no_show", number, called.pk)
                    at(minute + 3, "free", number)
                else:
                    at(minute + 0.5, "start", number, called.pk)
                    at(minute + 0.5 + service, "finish", number, called.pk)
                    at(minute + 0.5 + service, "free", number)
            elif kind == "recall":
                ticket_recall(user=staff[data[0]], ticket_id=data[1])
            elif kind == "no_show":
                ticket_no_show(user=staff[data[0]], ticket_id=data[1])
            elif kind == "start":
                ticket = ticket_start(user=staff[data[0]], ticket_id=data[1])
                if on_start is not None:
                    on_start(ticket, staff[data[0]])
            elif kind == "finish":
                ticket = ticket_finish(user=staff[data[0]], ticket_id=data[1])
                if on_finish is not None:
                    on_finish(ticket, staff[data[0]])
            elif kind == "close":
                if (
                    selectors.current_ticket(windows[data[0]]) is None
                    and not selectors.waiting_for(serves_ids(windows[data[0]]), day).exists()
                ):
                    window_sign_out(user=staff[data[0]])
                    closing.add(data[0])
                else:
                    at(minute + 5, "close", data[0])
    return issued


def serves_ids(window: Window) -> list[int]:
    return list(window.categories.values_list("pk", flat=True))
