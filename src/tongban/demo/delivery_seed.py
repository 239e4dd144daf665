"""The demo city's last mile: two locker banks on the simulator (the article's 国际港务区 bank
and one at the 新城区 centre), and a staff credential for the window clerk, who also takes
results to the door. The demo courier needs no seeding: it is a registered plugin."""

from __future__ import annotations

import datetime as dt
import random
import re

from django.conf import settings
from django.contrib.auth import get_user_model

from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.catalog.models import DeliveryMode
from tongban.delivery.couriers import DemoCourier, couriers
from tongban.delivery.drivers import SimulatorDriver, driver_for
from tongban.delivery.models import Delivery, LockerBank, LockerCredential
from tongban.delivery.services.credentials import credential_issue
from tongban.delivery.services.doors import door_check
from tongban.delivery.services.lockers import (
    locker_deposit_open,
    locker_pickup_open,
    locker_reserve,
)
from tongban.delivery.services.mail import courier_webhook, mail_ship
from tongban.delivery.services.setup import locker_bank_setup
from tongban.delivery.terms import city_districts
from tongban.demo.field_seed import demo_inspect
from tongban.notify.models import Notification

BANKS = [
    (
        "gwq-01",
        "国际港务区信包箱01",
        "国际港务区政务服务中心一楼东门（24小时开放）",
        "610111",
        ["S"] * 4 + ["M"] * 6 + ["L"] * 2,
    ),
    ("xc-01", "新城区政务服务中心信包箱", "新城区政务服务中心大厅入口", "610102", ["M"] * 8),
]


def demo_delivery_seed() -> dict[str, str]:
    """Set up what is missing; returns the keys and PINs made now (shown once)."""
    people = get_user_model().objects
    manager = people.filter(username="manager").first()
    clerk = people.filter(username="clerk").first()
    shown: dict[str, str] = {}
    for code, name, place, region, sizes in BANKS:
        if LockerBank.objects.filter(code=code).exists():
            continue
        _bank, key = locker_bank_setup(
            code=code,
            name=name,
            place=place,
            sizes=sizes,
            region_code=region,
            staff=[manager] if manager else [],
        )
        shown[f"{name}（设备密钥）"] = key
    if (
        manager is not None
        and clerk is not None
        and not LockerCredential.objects.filter(holder=clerk, revoked_at__isnull=True).exists()
    ):
        credential, pin = credential_issue(actor=manager, holder=clerk, kind="staff")
        shown[f"信包箱工作人员凭证（{clerk}）"] = f"凭证号 {credential.number}  口令 {pin}"
    return shown


# How the demo's applicants choose, when the item offers it (weights); door delivery only for
# those it is for, so the demo's residents (all under 65) do not choose it.
CHOICE_WEIGHTS = {"electronic": 40, "mail": 25, "locker": 15, "window": 12}
COMPLETED_SHARE = 0.7


def demo_delivery_choice(case: Case, rng: random.Random) -> dict[str, str]:
    """What a demo applicant chooses for this case, as the draft page would post it."""
    modes = [m for m in case.item.delivery_modes or [] if m in CHOICE_WEIGHTS]
    if not modes:
        return {}
    mode = rng.choices(modes, weights=[CHOICE_WEIGHTS[m] for m in modes])[0]
    choice = {"mode": mode}
    if mode == "locker":
        choice["bank"] = rng.choice([code for code, *_ in BANKS])
    if mode == "mail":
        district = rng.choice(city_districts())
        choice.update(
            recipient_name=case.applicant.real_name or "演示居民",
            recipient_phone=case.applicant.phone or "13800000000",
            region_code=district[0],
            address=f"{settings.CITY_NAME}{district[1]}示例路{rng.randint(1, 200)}号",
        )
    return choice


def reviewer_for(case: Case) -> User | None:
    people = get_user_model().objects.filter(is_active=True)
    return (
        people.filter(role_grants__role=Role.REVIEWER, department_id=case.department_id).first()
        or people.filter(role_grants__role=Role.ADMINISTRATOR).first()
    )


def _code_sent(case: Case) -> str:
    """The pickup code as the applicant reads it in their messages."""
    message = (
        Notification.objects.filter(
            recipient=case.applicant, channel="inbox", ref=f"case:{case.pk}"
        )
        .filter(subject__startswith="取件码")
        .latest("pk")
    )
    found = re.search(r"\d{8}", message.subject)
    return found.group(0) if found else ""


def through_locker(case: Case, clerk: User, credential: LockerCredential) -> None:
    parcel = locker_reserve(case=case, actor=clerk)
    bank = parcel.compartment.bank
    simulator = driver_for(bank)
    cycle = locker_deposit_open(bank=bank, credential=credential, parcel_id=parcel.pk)
    if isinstance(simulator, SimulatorDriver):
        simulator.simulate_close(parcel.compartment.board, parcel.compartment.lock)
    door_check(cycle.pk)
    cycle = locker_pickup_open(bank=bank, code=_code_sent(case), person=case.applicant)
    if isinstance(simulator, SimulatorDriver):
        simulator.simulate_close(parcel.compartment.board, parcel.compartment.lock)
    door_check(cycle.pk)


def through_mail(case: Case, clerk: User) -> None:
    shipment = mail_ship(case=case, actor=clerk)
    demo = couriers.get("demo")
    if not isinstance(demo, DemoCourier):
        return
    later = shipment.created_at + dt.timedelta(days=2)
    address = Delivery.objects.get(case=case).address
    events = demo.due_events(
        waybill=shipment.waybill, created=shipment.created_at, address=address, now=later
    )
    body, headers = demo.signed_call(events)
    courier_webhook("demo", body, headers)


def demo_delivery_history(rng: random.Random) -> int:
    """Take most of the demo's submitted applications through to their applicants, each by
    the way its applicant chose (window pickups are the only visits), through the real
    services, the locker simulator and the demo courier's signed webhook."""
    if Delivery.objects.filter(where="delivered").exists():
        return 0  # replayed once, when the city was first seeded
    people = get_user_model().objects
    clerk = people.get(username="clerk")
    credential = LockerCredential.objects.filter(holder=clerk, revoked_at__isnull=True).first()
    done = 0
    cases = Case.objects.filter(state=CaseState.SUBMITTED).select_related("item", "applicant")
    for case in cases.order_by("pk"):
        if rng.random() > COMPLETED_SHARE:
            continue
        reviewer = reviewer_for(case)
        if reviewer is None:
            continue
        case = lc.case_start_pre_review(case=case, actor=clerk)
        case = lc.case_accept(case=case, actor=clerk)
        case = lc.case_start_review(case=case, actor=reviewer)
        demo_inspect(case)
        case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
        case = lc.case_produce_result(case=case, actor=reviewer)
        mode = Delivery.objects.get(case=case).mode
        if case.state != CaseState.RESULT_READY:
            done += 1  # an electronic result, delivered when made
        elif mode == DeliveryMode.LOCKER and credential is not None:
            through_locker(case, clerk, credential)
            done += 1
        elif mode == DeliveryMode.MAIL:
            through_mail(case, clerk)
            done += 1
        elif mode == DeliveryMode.WINDOW:
            case = lc.case_deliver(case=case, actor=clerk, mode="window", in_person=True)
            lc.case_complete(case=case, actor=clerk)
            done += 1
    return done
