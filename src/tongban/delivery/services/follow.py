"""The delivery app's follower of the case lifecycle: it takes the choice made with the
submission, and when the result is made it says where the result is and starts its way to
the applicant (an electronic result is delivered at once; a door delivery goes on the run
sheet; a locker, a waybill or the counter wait for staff)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.followers import Transition
from tongban.cases.services.lifecycle import case_delivery_confirm
from tongban.catalog.models import DeliveryMode
from tongban.core.texts import said
from tongban.delivery.models import Compartment, Delivery, LockerParcel, Where, where_noted
from tongban.delivery.services.choice import delivery_default, delivery_save
from tongban.delivery.services.door import door_schedule

CAUSE = "delivery"
ENDING = ("withdraw", "terminate", "reject")


def delivery_follow(transition: Transition, case: Case, actor: User | None) -> None:
    if transition.cause.startswith(CAUSE):
        return  # what this app did itself
    if transition.action == "submit":
        values = transition.data.get("delivery")
        if values:
            delivery_save(case, actor, values)
        else:
            delivery_default(case)
    elif transition.action == "bundle_submit":
        # The 一件事's one choice, for each of its cases (every one offers it: the page only
        # offers the modes all of them do).
        values = transition.data.get("delivery")
        if values:
            delivery_save(case, actor, values, siblings=False)
    elif transition.action == "produce_result":
        _result_made(case)
    elif transition.action == "deliver":
        _delivered_by_hand(case, str(transition.data.get("mode") or ""))
    elif transition.action in ENDING:
        _release(case)


def _result_made(case: Case) -> None:
    delivery = delivery_default(case)
    counter = said(gettext_noop("{department}窗口"), department=case.department)
    if delivery.mode == DeliveryMode.ELECTRONIC:
        Delivery.objects.filter(pk=delivery.pk).update(
            where=Where.DELIVERED,
            delivered_at=timezone.now(),
            **where_noted(said(gettext_noop("电子证照已生成，可在“我的证照”下载"))),
        )
        confirmed = case_delivery_confirm(
            case=case,
            mode=DeliveryMode.ELECTRONIC,
            cause=f"{CAUSE}.electronic",
            note=said(gettext_noop("电子证照已生成，申请人可在线下载")),
        )
        case.state = confirmed.state
        case.completed_at = confirmed.completed_at
        return
    bank = delivery.bank.name if delivery.bank else said(gettext_noop("信包箱"))
    notes: dict[str, str] = {
        DeliveryMode.WINDOW: said(gettext_noop("在{counter}待领取"), counter=counter),
        DeliveryMode.LOCKER: said(
            gettext_noop("在{counter}，待存入{bank}"), counter=counter, bank=bank
        ),
        DeliveryMode.MAIL: said(gettext_noop("在{counter}，待寄出"), counter=counter),
        DeliveryMode.DOOR: said(gettext_noop("在{counter}，待安排送证上门"), counter=counter),
    }
    note = notes.get(delivery.mode, said(gettext_noop("在{counter}"), counter=counter))
    Delivery.objects.filter(pk=delivery.pk).update(where=Where.AT_COUNTER, **where_noted(note))
    if delivery.mode == DeliveryMode.DOOR:
        door_schedule(case)


def _delivered_by_hand(case: Case, mode: str) -> None:
    """Staff recorded a delivery themselves (at the window): what really happened is kept."""
    delivery = delivery_default(case)
    note = (
        said(gettext_noop("已在窗口当面交付"))
        if mode == DeliveryMode.WINDOW
        else said(gettext_noop("工作人员登记已送达"))
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        mode=mode or delivery.mode,
        where=Where.DELIVERED,
        delivered_at=timezone.now(),
        **where_noted(note),
    )


def _release(case: Case) -> None:
    """A case that ends before its result frees the compartment it had reserved."""
    for parcel in LockerParcel.objects.filter(case=case, state=LockerParcel.State.RESERVED):
        LockerParcel.objects.filter(pk=parcel.pk).update(state=LockerParcel.State.CANCELLED)
        Compartment.objects.filter(pk=parcel.compartment_id).update(state=Compartment.State.FREE)
    if case.state in (CaseState.WITHDRAWN, CaseState.TERMINATED, CaseState.REJECTED):
        Delivery.objects.filter(case=case).update(
            **where_noted(said(gettext_noop("办件已结束，无办理结果")))
        )
