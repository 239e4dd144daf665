"""Document lockers (信包箱): staff reserve a compartment and deposit a result; the applicant
takes it out with a single-use code and their identity (drop-off, collection and expiry are
in `locker_returns`). Every door opening is a door cycle (`doors`): nothing counts as
deposited or picked up until its door was seen closed again; `*_closed` is what a completed
cycle of each purpose does (registered in `apps.py`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.cases.services.lifecycle import case_delivery_confirm
from tongban.catalog.models import DeliveryMode
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
from tongban.delivery.services.codes import (
    code_digest,
    code_new,
    receipt_new,
    screen_check,
    screen_failed,
    screen_reset,
)
from tongban.delivery.services.doors import door_open
from tongban.notify.services import notify

CAUSE = "delivery.locker"
SIZE_ORDER = {"S": 0, "M": 1, "L": 2}
# Cases still open for materials: what an applicant may drop off against.
DROP_OFF_STATES = (
    CaseState.SUBMITTED,
    CaseState.PRE_REVIEW,
    CaseState.CORRECTION,
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
)


class DoorFault(Conflict):
    """The door did not open: the compartment is marked for a check and staff are alerted;
    the code, if any, stays valid (HTTP 409)."""


def banks_with_room(exclude: LockerBank | None = None) -> list[LockerBank]:
    banks = LockerBank.objects.filter(active=True, device__revoked_at__isnull=True).annotate(
        free=Count("compartments", filter=Q(compartments__state=Compartment.State.FREE))
    )
    if exclude is not None:
        banks = banks.exclude(pk=exclude.pk)
    return [b for b in banks.order_by("code") if getattr(b, "free", 0)]


def _free_compartment(bank: LockerBank) -> Compartment | None:
    """The smallest free compartment, locked for this transaction (SKIP LOCKED where the
    database can, so two deposits at once take two compartments)."""
    free = Compartment.objects.filter(bank=bank, state=Compartment.State.FREE)
    for compartment in sorted(free.select_for_update(skip_locked=True), key=_size_key):
        return compartment
    return None


def _size_key(c: Compartment) -> tuple[int, str]:
    return (SIZE_ORDER.get(c.size, 1), c.label)


def _full_message(bank: LockerBank) -> str:
    others = banks_with_room(exclude=bank)
    offer = "、".join(f"{b.name}（空闲{getattr(b, 'free', 0)}格）" for b in others[:3])
    return f"{bank.name}已满" + (f"，可改存：{offer}" if offer else "") + "，或改为窗口领取"


def _deliveries(case: Case) -> list[Delivery]:
    """The case's delivery and, in a 一件事, every sibling travelling with it."""
    own = Delivery.objects.select_related("case__item", "bank").get(case=case)
    if not own.group:
        return [own]
    return list(
        Delivery.objects.select_related("case__item", "bank")
        .filter(group=own.group, mode=own.mode, where__in=[Where.AWAITING, Where.AT_COUNTER])
        .exclude(case__state__in=[CaseState.WITHDRAWN, CaseState.TERMINATED, CaseState.REJECTED])
        .order_by("case_id")
    )


@transaction.atomic
def locker_reserve(
    *,
    case: Case,
    actor: User,
    bank: LockerBank | None = None,
    idempotency_key: str | None = None,
) -> LockerParcel:
    """Reserve a compartment for the case's result (with a 一件事's other results) at the
    chosen bank, or another; a full bank is refused here, before anyone walks to it."""
    case = Case.objects.select_for_update(of=("self",)).select_related("item").get(pk=case.pk)
    if not actor.has_perm("cases.deliver_case", case):
        raise PermissionDenied("无权为该办件安排送达")
    if idempotency_key:
        earlier = LockerParcel.objects.filter(case=case, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    delivery = Delivery.objects.filter(case=case).select_related("bank").first()
    if delivery is None or delivery.mode != DeliveryMode.LOCKER:
        raise Conflict("申请人选择的领取方式不是信包箱自取")
    held = delivery.parcel
    if held is not None and held.state in (
        LockerParcel.State.RESERVED,
        LockerParcel.State.DEPOSITED,
    ):
        raise Conflict(f"该结果已预留{held.compartment}格")
    together = _deliveries(case)
    waiting = [d.case for d in together if d.case.state != CaseState.RESULT_READY]
    if waiting:
        names = "、".join(f"“{c.item.name}”" for c in waiting)
        raise Conflict(f"一件事的结果一次送达：{names}的结果尚未制作完成")
    bank = bank or delivery.bank
    if bank is None or not bank.active:
        raise ValidationError({"bank": ["请选择信包箱"]})
    compartment = _free_compartment(bank)
    if compartment is None:
        raise ValidationError({"bank": [_full_message(bank)]})
    compartment.state = Compartment.State.RESERVED
    compartment.save(update_fields=["state"])
    try:
        with transaction.atomic():
            parcel = LockerParcel.objects.create(
                kind=LockerParcel.Kind.PICKUP,
                case=case,
                compartment=compartment,
                receipt=receipt_new("XB"),
                reserved_by=actor,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        raise Conflict("该格口刚被占用，请重试") from None
    for d in together:
        Delivery.objects.filter(pk=d.pk).update(
            parcel=parcel,
            bank=bank,
            **where_noted(
                said(
                    gettext_noop("已预留{bank}{compartment}格，待工作人员存入"),
                    bank=bank.name,
                    compartment=compartment.label,
                )
            ),
        )
    audit_log(
        action="locker.reserve",
        obj=parcel,
        changes={
            "compartment": [None, f"{bank.code}/{compartment.label}"],
            "cases": [None, [d.case_id for d in together]],
        },
    )
    return parcel


def _credential_may(credential: LockerCredential, bank: LockerBank, *, deposit_only: bool) -> bool:
    if credential.revoked_at is not None or not credential.holder.is_active:
        return False
    if credential.kind == LockerCredential.Kind.COURIER and not deposit_only:
        return False
    banks = list(credential.banks.all())
    return not banks or bank in banks


def _opened(cycle: DoorCycle | None, fault: str) -> DoorCycle:
    if cycle is None:
        raise DoorFault(f"{fault}。已通知工作人员处理，物品位置已记录，请稍后再试或到窗口咨询")
    return cycle


def locker_deposit_open(
    *, bank: LockerBank, credential: LockerCredential, parcel_id: int
) -> DoorCycle:
    """Staff (or a courier) at the bank open a reserved compartment to put the result in."""
    with transaction.atomic():
        parcel = (
            LockerParcel.objects.select_for_update(of=("self",))
            .select_related("compartment__bank")
            .filter(pk=parcel_id, compartment__bank=bank, kind=LockerParcel.Kind.PICKUP)
            .first()
        )
        if parcel is None or parcel.state != LockerParcel.State.RESERVED:
            raise Conflict("该存件不在本信包箱或已存入")
        if not _credential_may(credential, bank, deposit_only=True):
            raise PermissionDenied("该凭证无权在本信包箱存件")
        cycle, fault = door_open(
            parcel=parcel, purpose=DoorCycle.Purpose.DEPOSIT, credential=credential
        )
        if cycle is None:
            # The reserved compartment is faulty: move the reservation to a free one.
            spare = _free_compartment(bank)
            if spare is not None:
                LockerParcel.objects.filter(pk=parcel.pk).update(compartment=spare)
                Compartment.objects.filter(pk=spare.pk).update(state=Compartment.State.RESERVED)
                fault += f"；已改为{spare.label}格，请重新开门"
    return _opened(cycle, fault)


def deposit_closed(cycle: DoorCycle) -> None:
    parcel = cycle.parcel
    bank = cycle.compartment.bank
    code = code_new()
    now = timezone.now()
    parcel.state = LockerParcel.State.DEPOSITED
    parcel.deposited_at = now
    parcel.code_hash = code_digest(bank, code)
    parcel.code_expires_at = now + dt.timedelta(days=bank.code_valid_days)
    parcel.save(update_fields=["state", "deposited_at", "code_hash", "code_expires_at"])
    Compartment.objects.filter(pk=cycle.compartment_id).update(state=Compartment.State.OCCUPIED)
    label = f"{bank.name}{cycle.compartment.label}格"
    deliveries = list(parcel.deliveries.select_related("case__item", "case__applicant"))
    Delivery.objects.filter(parcel=parcel).update(
        where=Where.IN_LOCKER, **where_noted(said(gettext_noop("已存入{place}"), place=label))
    )
    expires = timezone.localtime(parcel.code_expires_at).strftime("%Y-%m-%d %H:%M")
    case = parcel.case
    names = "、".join(f"“{d.case.item.name}”" for d in deliveries) or f"“{case.item.name}”"
    for d in deliveries:
        case_event(
            d.case,
            actor=None,
            action="locker_deposit",
            note=said(gettext_noop("结果已存入{place}"), place=label),
        )
    notify(
        recipients=[case.applicant],
        subject=f"取件码{code}：办理结果已存入{bank.name}",
        body=(
            f"您的{names}办理结果已存入{label}（{bank.place}）。请在{expires}前凭取件码{code}"
            "和本人身份证（或登录后出示取件二维码）24小时自助取件。取件码仅能使用一次，请勿转告他人。"
        ),
        ref=f"case:{case.pk}",
    )


def _parcel_by_code(bank: LockerBank, code: str) -> LockerParcel | None:
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != 8:
        return None
    return (
        LockerParcel.objects.select_related("compartment__bank", "case__item")
        .filter(compartment__bank=bank, code_hash=code_digest(bank, digits))
        .first()
    )


def _may_take(person: User | None, parcel: LockerParcel) -> bool:
    if person is None:
        return False
    cases = [d.case for d in parcel.deliveries.select_related("case")] or [parcel.case]
    return all(person.has_perm("cases.act_as_applicant", c) for c in cases)


def locker_pickup_open(
    *, bank: LockerBank, code: str, person: User | None, for_parcel: int | None = None
) -> DoorCycle:
    """The code and the person's identity together open the door; a wrong code or the right
    code with the wrong person counts towards the screen lock. The code is used up only when
    the door has been closed again after the pickup. `for_parcel` is the parcel a pickup QR
    was made for (the QR proves the person only for that parcel)."""
    screen_check(bank)
    parcel = _parcel_by_code(bank, code)
    problem = ""
    if parcel is None or parcel.kind != LockerParcel.Kind.PICKUP:
        problem = "取件码无效或已使用"
    elif parcel.state != LockerParcel.State.DEPOSITED:
        problem = "取件码已使用"
    elif parcel.code_expires_at and parcel.code_expires_at < timezone.now():
        problem = "取件码已过期，结果将退回承办窗口，请留意消息通知"
    elif (for_parcel is not None and for_parcel != parcel.pk) or not _may_take(person, parcel):
        problem = "身份核验未通过：取件人须为申请人本人或其受托代办员"
    if problem or parcel is None:
        with transaction.atomic():
            seconds = screen_failed(bank, problem)
        field = "identity" if problem.startswith("身份") else "code"
        suffix = f"。错误次数过多，本机已锁定{seconds}秒" if seconds else ""
        raise ValidationError({field: [problem + suffix]})
    with transaction.atomic():
        locked = (
            LockerParcel.objects.select_for_update(of=("self",))
            .select_related("compartment__bank", "case")
            .get(pk=parcel.pk)
        )
        if locked.state != LockerParcel.State.DEPOSITED:
            raise ValidationError({"code": ["取件码已使用"]})
        cycle, fault = door_open(parcel=locked, purpose=DoorCycle.Purpose.PICKUP, person=person)
        if cycle is not None:
            screen_reset(bank)
    return _opened(cycle, fault)


def pickup_closed(cycle: DoorCycle) -> None:
    parcel = cycle.parcel
    now = timezone.now()
    parcel.state = LockerParcel.State.PICKED_UP
    parcel.closed_at = now
    parcel.code_hash = ""  # single use
    parcel.save(update_fields=["state", "closed_at", "code_hash"])
    Compartment.objects.filter(pk=cycle.compartment_id).update(
        state=Compartment.State.FREE, fault=""
    )
    label = f"{cycle.compartment.bank.name}{cycle.compartment.label}格"
    for d in parcel.deliveries.select_related("case"):
        Delivery.objects.filter(pk=d.pk).update(
            where=Where.DELIVERED,
            **where_noted(said(gettext_noop("已从{place}取件"), place=label)),
            delivered_at=now,
        )
        if d.case.state == CaseState.RESULT_READY:
            case_delivery_confirm(
                case=d.case,
                mode=DeliveryMode.LOCKER,
                cause=CAUSE,
                note=said(gettext_noop("申请人已从{place}取件"), place=label),
            )
