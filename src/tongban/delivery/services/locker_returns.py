"""Document lockers, the way back: applicants drop materials off against an open case, staff
collect them and take back results whose code expired (to the counter), and the sweep's
reminders and expiry. Like every door opening, each is a door cycle (`doors`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.delivery.models import (
    Compartment,
    Delivery,
    DoorCycle,
    LockerBank,
    LockerCredential,
    LockerParcel,
    Where,
    where_noted,
)
from tongban.delivery.services.codes import receipt_new, screen_check, screen_failed
from tongban.delivery.services.doors import door_open, staff_alert
from tongban.delivery.services.lockers import (
    DROP_OFF_STATES,
    _credential_may,
    _free_compartment,
    _full_message,
    _opened,
)
from tongban.notify.services import notify


def locker_drop_off_open(*, bank: LockerBank, case_number: str, person: User | None) -> DoorCycle:
    """容缺补件: the applicant drops materials for an open case into a free compartment."""
    screen_check(bank)
    number = case_number.strip().upper()
    case = Case.objects.select_related("item").filter(number=number).first() if number else None
    if case is None or person is None or not person.has_perm("cases.act_as_applicant", case):
        with transaction.atomic():
            screen_failed(bank, "投递办件号与身份不符")
        raise ValidationError({"case_number": ["办件编号不存在，或您不是该办件的申请人"]})
    if case.state not in DROP_OFF_STATES:
        raise Conflict(f"办件当前状态为“{CaseState(case.state).label}”，无需再投递材料")
    with transaction.atomic():
        compartment = _free_compartment(bank)
        if compartment is None:
            raise ValidationError(
                {"case_number": [_full_message(bank).replace("或改为窗口领取", "或到窗口递交")]}
            )
        compartment.state = Compartment.State.RESERVED
        compartment.save(update_fields=["state"])
        parcel = LockerParcel.objects.create(
            kind=LockerParcel.Kind.DROP_OFF,
            case=case,
            compartment=compartment,
            receipt=receipt_new("TJ"),
        )
        cycle, fault = door_open(parcel=parcel, purpose=DoorCycle.Purpose.DROP_OFF, person=person)
        if cycle is None:
            LockerParcel.objects.filter(pk=parcel.pk).update(state=LockerParcel.State.CANCELLED)
    return _opened(cycle, fault)


def drop_off_closed(cycle: DoorCycle) -> None:
    parcel = cycle.parcel
    parcel.state = LockerParcel.State.DEPOSITED
    parcel.deposited_at = timezone.now()
    parcel.save(update_fields=["state", "deposited_at"])
    Compartment.objects.filter(pk=cycle.compartment_id).update(state=Compartment.State.OCCUPIED)
    bank = cycle.compartment.bank
    label = f"{bank.name}{cycle.compartment.label}格"
    case = Case.objects.select_related("item", "applicant").get(pk=parcel.case_id)
    case_event(
        case,
        actor=None,
        action="locker_drop_off",
        note=said(
            gettext_noop("申请人在{place}投递材料，回执{receipt}"),
            place=label,
            receipt=parcel.receipt,
        ),
    )
    notify(
        recipients=[case.applicant],
        subject=f"材料投递回执{parcel.receipt}",
        body=f"您为“{case.item.name}”办件{case.number}投递的材料已存入{label}，回执编号{parcel.receipt}。工作人员取件后会在办件中记录。",
        ref=f"case:{case.pk}",
    )
    staff_alert(
        bank,
        "有新的投递材料待取",
        f"{label}有“{case.item.name}”办件{case.number}的投递材料，回执{parcel.receipt}。",
    )


def locker_collect_open(
    *, bank: LockerBank, credential: LockerCredential, parcel_id: int
) -> DoorCycle:
    """Staff take out what an applicant dropped off, or a result whose code expired (it goes
    back to the counter)."""
    with transaction.atomic():
        parcel = (
            LockerParcel.objects.select_for_update(of=("self",))
            .select_related("compartment__bank", "case")
            .filter(pk=parcel_id, compartment__bank=bank, state=LockerParcel.State.DEPOSITED)
            .first()
        )
        if parcel is None:
            raise Conflict("该格口没有待取出的物品")
        if not _credential_may(credential, bank, deposit_only=False):
            raise PermissionDenied("该凭证无权在本信包箱取件")
        returning = parcel.kind == LockerParcel.Kind.PICKUP
        if returning and not (parcel.code_expires_at and parcel.code_expires_at < timezone.now()):
            raise Conflict("取件码尚在有效期内，不能取回")
        cycle, fault = door_open(
            parcel=parcel, purpose=DoorCycle.Purpose.COLLECT, credential=credential
        )
    return _opened(cycle, fault)


def collect_closed(cycle: DoorCycle) -> None:
    parcel = cycle.parcel
    now = timezone.now()
    returned = parcel.kind == LockerParcel.Kind.PICKUP
    parcel.state = LockerParcel.State.RETURNED if returned else LockerParcel.State.COLLECTED
    parcel.closed_at = now
    parcel.code_hash = ""
    parcel.save(update_fields=["state", "closed_at", "code_hash"])
    Compartment.objects.filter(pk=cycle.compartment_id).update(
        state=Compartment.State.FREE, fault=""
    )
    holder = cycle.credential.holder if cycle.credential else None
    case = Case.objects.select_related("item", "applicant", "department").get(pk=parcel.case_id)
    if not returned:
        case_event(
            case,
            actor=holder,
            action="locker_collect",
            note=said(
                gettext_noop("工作人员已取出投递材料（回执{receipt}）"), receipt=parcel.receipt
            ),
        )
        return
    counter = said(gettext_noop("{department}窗口"), department=case.department)
    Delivery.objects.filter(parcel=parcel).update(
        where=Where.AT_COUNTER,
        **where_noted(said(gettext_noop("取件码过期，已退回{counter}"), counter=counter)),
        parcel=None,
    )
    case_event(
        case,
        actor=holder,
        action="locker_return",
        note=said(gettext_noop("信包箱取件码过期，结果已退回{counter}"), counter=counter),
    )
    notify(
        recipients=[case.applicant],
        subject="办理结果已退回窗口",
        body=f"您的“{case.item.name}”办理结果未在有效期内取件，已退回{counter}。可到窗口领取，或联系窗口重新安排信包箱、邮寄。",
        ref=f"case:{case.pk}",
    )


def lockers_sweep(now: dt.datetime | None = None) -> str:
    """A reminder one day before a code expires; at expiry the code stops working, the
    applicant is told the result goes back to the counter, and staff are asked to take it."""
    now = now or timezone.now()
    reminded = expired = 0
    soon = LockerParcel.objects.filter(
        kind=LockerParcel.Kind.PICKUP,
        state=LockerParcel.State.DEPOSITED,
        reminded_at__isnull=True,
        code_expires_at__lte=now + dt.timedelta(days=1),
        code_expires_at__gt=now,
    ).select_related("case__item", "case__applicant", "compartment__bank")
    for parcel in soon:
        with transaction.atomic():
            if LockerParcel.objects.filter(pk=parcel.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                bank = parcel.compartment.bank
                notify(
                    recipients=[parcel.case.applicant],
                    subject=f"取件提醒：{bank.name}的办理结果明天到期",
                    body=f"您的“{parcel.case.item.name}”办理结果在{bank.name}{parcel.compartment.label}格，取件码明天到期，请尽快取件。",
                    ref=f"case:{parcel.case_id}",
                )
                reminded += 1
    gone = LockerParcel.objects.filter(
        kind=LockerParcel.Kind.PICKUP,
        state=LockerParcel.State.DEPOSITED,
        code_expires_at__lte=now,
        expired_at__isnull=True,
    ).select_related("case__item", "case__applicant", "case__department", "compartment__bank")
    for parcel in gone:
        with transaction.atomic():
            if not LockerParcel.objects.filter(pk=parcel.pk, expired_at__isnull=True).update(
                expired_at=now
            ):
                continue
            bank = parcel.compartment.bank
            counter = said(gettext_noop("{department}窗口"), department=parcel.case.department)
            Delivery.objects.filter(parcel=parcel).update(
                **where_noted(
                    said(
                        gettext_noop(
                            "取件码已过期，仍在{bank}{compartment}格，待工作人员退回{counter}"
                        ),
                        bank=bank.name,
                        compartment=parcel.compartment.label,
                        counter=counter,
                    )
                )
            )
            notify(
                recipients=[parcel.case.applicant],
                subject="取件码已过期，结果将退回窗口",
                body=f"您的“{parcel.case.item.name}”办理结果取件码已过期，工作人员将把结果退回{counter}，届时会再通知您。",
                ref=f"case:{parcel.case_id}",
            )
            staff_alert(
                bank,
                f"{parcel.compartment.label}格取件码过期",
                f"请取出{parcel.compartment.label}格的办理结果（{parcel.receipt}），退回{counter}。",
            )
            audit_log(action="locker.expire", obj=parcel, changes={"state": [None, "expired"]})
            expired += 1
    return f"信包箱提醒 {reminded}，过期 {expired}"
