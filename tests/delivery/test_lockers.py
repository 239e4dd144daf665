"""Document lockers: a result deposited by staff with a credential, picked up with a
single-use code and the applicant's identity; faults, full banks, wrong codes, expiry and
drop-offs, each with a defined outcome and no result ever lost track of."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.delivery.conftest import Apply, to_result
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState, Visit
from tongban.cases.services import lifecycle as lc
from tongban.core.errors import Conflict, TooManyAttempts
from tongban.core.models import AuditRecord
from tongban.delivery.drivers import SimulatorDriver, driver_for
from tongban.delivery.models import (
    Compartment,
    Delivery,
    DoorCycle,
    LockerBank,
    LockerCredential,
    LockerParcel,
    Where,
)
from tongban.delivery.services.credentials import (
    credential_check,
    credential_issue,
    credential_revoke,
)
from tongban.delivery.services.doors import door_check
from tongban.delivery.services.locker_returns import (
    locker_collect_open,
    locker_drop_off_open,
    lockers_sweep,
)
from tongban.delivery.services.lockers import (
    DoorFault,
    locker_deposit_open,
    locker_pickup_open,
    locker_reserve,
)
from tongban.notify.models import Notification


@pytest.fixture
def credential(bank: LockerBank, manager: User, clerk: User) -> LockerCredential:
    made, _pin = credential_issue(actor=manager, holder=clerk, kind="staff")
    return made


def close(cycle: DoorCycle) -> DoorCycle:
    """The person shuts the door; the screen's next poll sees it."""
    compartment = cycle.compartment
    simulator = driver_for(compartment.bank)
    assert isinstance(simulator, SimulatorDriver)
    simulator.simulate_close(compartment.board, compartment.lock)
    return door_check(cycle.pk)


def deposited(
    apply: Apply, bank: LockerBank, credential: LockerCredential, clerk: User, reviewer: User
) -> tuple[Case, LockerParcel, str]:
    case = to_result(apply(mode="locker", bank=bank.code), clerk, reviewer)
    parcel = locker_reserve(case=case, actor=clerk)
    close(locker_deposit_open(bank=bank, credential=credential, parcel_id=parcel.pk))
    message = Notification.objects.filter(channel="inbox", subject__startswith="取件码").latest(
        "pk"
    )
    code = re.search(r"取件码(\d{8})", message.subject)
    assert code is not None
    parcel.refresh_from_db()
    return case, parcel, code.group(1)


def test_a_result_goes_in_with_a_credential_and_out_with_code_and_identity(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    reviewer: User,
    zhangsan: User,
    lisi: User,
) -> None:
    case, parcel, code = deposited(apply, bank, credential, clerk, reviewer)
    assert parcel.state == LockerParcel.State.DEPOSITED
    assert code not in parcel.code_hash  # only a keyed digest is kept
    delivery = Delivery.objects.get(case=case)
    assert delivery.where == Where.IN_LOCKER and parcel.compartment.label in delivery.where_note
    # The right code with the wrong person opens nothing.
    with pytest.raises(ValidationError) as refused:
        locker_pickup_open(bank=bank, code=code, person=lisi)
    assert "身份" in str(refused.value)
    cycle = locker_pickup_open(bank=bank, code=code, person=zhangsan)
    parcel.refresh_from_db()
    assert parcel.state == LockerParcel.State.DEPOSITED  # not until the door is closed again
    close(cycle)
    parcel.refresh_from_db()
    case.refresh_from_db()
    assert parcel.state == LockerParcel.State.PICKED_UP
    assert case.state == CaseState.COMPLETED
    assert not Visit.objects.filter(case=case).exists()
    assert Compartment.objects.get(pk=parcel.compartment_id).state == Compartment.State.FREE
    # Single use.
    with pytest.raises(ValidationError):
        locker_pickup_open(bank=bank, code=code, person=zhangsan)


def test_five_wrong_codes_lock_the_screen_and_alert_staff(
    bank: LockerBank, zhangsan: User, manager: User
) -> None:
    for _ in range(4):
        with pytest.raises(ValidationError):
            locker_pickup_open(bank=bank, code="12345678", person=zhangsan)
    with pytest.raises(ValidationError) as fifth:
        locker_pickup_open(bank=bank, code="12345678", person=zhangsan)
    assert "锁定60秒" in str(fifth.value)
    with pytest.raises(TooManyAttempts):
        locker_pickup_open(bank=bank, code="12345678", person=zhangsan)
    assert Notification.objects.filter(recipient=manager, subject__contains="屏幕已锁定").exists()
    bank.refresh_from_db()
    bank.locked_until = timezone.now() - dt.timedelta(seconds=1)
    bank.save()
    with pytest.raises(ValidationError) as sixth:
        locker_pickup_open(bank=bank, code="12345678", person=zhangsan)
    assert "锁定120秒" in str(sixth.value)  # the delay grows


def test_a_jammed_door_keeps_the_code_and_the_result_where_it_is(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    reviewer: User,
    zhangsan: User,
    manager: User,
) -> None:
    case, parcel, code = deposited(apply, bank, credential, clerk, reviewer)
    compartment = parcel.compartment
    simulator = driver_for(bank)
    assert isinstance(simulator, SimulatorDriver)
    simulator.simulate_fault(compartment.board, compartment.lock, "jam")
    with pytest.raises(DoorFault):
        locker_pickup_open(bank=bank, code=code, person=zhangsan)
    parcel.refresh_from_db()
    compartment.refresh_from_db()
    assert parcel.state == LockerParcel.State.DEPOSITED
    assert compartment.state == Compartment.State.FAULTY
    assert Delivery.objects.get(case=case).where == Where.IN_LOCKER
    assert Notification.objects.filter(recipient=manager, subject__contains="未能打开").exists()
    simulator.simulate_fault(compartment.board, compartment.lock, "")
    close(locker_pickup_open(bank=bank, code=code, person=zhangsan))  # the code still works
    parcel.refresh_from_db()
    assert parcel.state == LockerParcel.State.PICKED_UP


@pytest.mark.parametrize("fault", ["timeout", "stuck_open"])
def test_a_door_not_seen_closed_marks_nothing_picked_up(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    reviewer: User,
    zhangsan: User,
    fault: str,
) -> None:
    case, parcel, code = deposited(apply, bank, credential, clerk, reviewer)
    cycle = locker_pickup_open(bank=bank, code=code, person=zhangsan)
    compartment = parcel.compartment
    simulator = driver_for(bank)
    assert isinstance(simulator, SimulatorDriver)
    simulator.simulate_fault(compartment.board, compartment.lock, fault)
    close(cycle)
    later = timezone.now() + dt.timedelta(seconds=bank.door_timeout_seconds + 1)
    cycle = door_check(cycle.pk, now=later)
    assert cycle.outcome in (DoorCycle.Outcome.MISMATCH, DoorCycle.Outcome.TIMED_OUT)
    parcel.refresh_from_db()
    case.refresh_from_db()
    assert parcel.state == LockerParcel.State.DEPOSITED
    assert case.state == CaseState.RESULT_READY
    assert Compartment.objects.get(pk=compartment.pk).state == Compartment.State.FAULTY


def test_a_full_bank_is_refused_up_front_offering_another(
    apply: Apply, bank: LockerBank, bank_key: tuple[LockerBank, str], clerk: User, reviewer: User
) -> None:
    Compartment.objects.filter(bank=bank).update(state=Compartment.State.OCCUPIED)
    case = to_result(apply(mode="locker", bank=bank.code), clerk, reviewer)
    with pytest.raises(ValidationError) as refused:
        locker_reserve(case=case, actor=clerk)
    text = str(refused.value)
    assert "已满" in text and bank_key[0].name in text and "窗口领取" in text
    assert not LockerParcel.objects.exists()
    other = locker_reserve(case=case, actor=clerk, bank=bank_key[0])
    assert other.compartment.bank == bank_key[0]


def test_reserving_is_idempotent_and_only_for_staff(
    apply: Apply, bank: LockerBank, clerk: User, reviewer: User, zhangsan: User
) -> None:
    case = to_result(apply(mode="locker", bank=bank.code), clerk, reviewer)
    with pytest.raises(PermissionDenied):
        locker_reserve(case=case, actor=zhangsan)
    first = locker_reserve(case=case, actor=clerk, idempotency_key="r1")
    again = locker_reserve(case=case, actor=clerk, idempotency_key="r1")
    assert first.pk == again.pk
    with pytest.raises(Conflict):
        locker_reserve(case=case, actor=clerk)


def test_an_expired_code_is_reminded_then_the_result_returns_to_the_counter(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    reviewer: User,
    zhangsan: User,
) -> None:
    case, parcel, code = deposited(apply, bank, credential, clerk, reviewer)
    assert parcel.code_expires_at is not None
    lockers_sweep(now=parcel.code_expires_at - dt.timedelta(hours=12))
    assert Notification.objects.filter(recipient=zhangsan, subject__contains="明天到期").exists()
    with pytest.raises(Conflict):
        locker_collect_open(bank=bank, credential=credential, parcel_id=parcel.pk)
    LockerParcel.objects.filter(pk=parcel.pk).update(
        code_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "过期 1" in lockers_sweep()
    with pytest.raises(ValidationError) as refused:
        locker_pickup_open(bank=bank, code=code, person=zhangsan)
    assert "过期" in str(refused.value)
    close(locker_collect_open(bank=bank, credential=credential, parcel_id=parcel.pk))
    delivery = Delivery.objects.get(case=case)
    assert delivery.where == Where.AT_COUNTER and "退回" in delivery.where_note
    assert Notification.objects.filter(recipient=zhangsan, subject="办理结果已退回窗口").exists()


def test_materials_dropped_off_get_a_receipt_and_reach_the_timeline(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    zhangsan: User,
    lisi: User,
    manager: User,
) -> None:
    case = apply(mode="window")
    case = lc.case_accept(case=lc.case_start_pre_review(case=case, actor=clerk), actor=clerk)
    with pytest.raises(ValidationError):
        locker_drop_off_open(bank=bank, case_number=case.number, person=lisi)
    close(locker_drop_off_open(bank=bank, case_number=case.number, person=zhangsan))
    parcel = LockerParcel.objects.get(kind=LockerParcel.Kind.DROP_OFF)
    assert parcel.state == LockerParcel.State.DEPOSITED
    assert case.events.filter(action="locker_drop_off", note__contains=parcel.receipt).exists()
    assert Notification.objects.filter(
        recipient=zhangsan, subject__contains=parcel.receipt
    ).exists()
    assert Notification.objects.filter(recipient=manager, subject__contains="投递材料").exists()
    close(locker_collect_open(bank=bank, credential=credential, parcel_id=parcel.pk))
    parcel.refresh_from_db()
    assert parcel.state == LockerParcel.State.COLLECTED


def test_credentials_are_hashed_revocable_and_limited_to_their_holders(
    bank: LockerBank, manager: User, clerk: User, zhangsan: User
) -> None:
    with pytest.raises(PermissionDenied):
        credential_issue(actor=zhangsan, holder=zhangsan, kind="staff")
    credential, pin = credential_issue(actor=manager, holder=clerk, kind="courier")
    assert pin not in credential.pin_hash
    assert credential_check(bank=bank, number=credential.number, pin=pin) == credential
    with pytest.raises(ValidationError):
        credential_check(
            bank=bank, number=credential.number, pin="000000" if pin != "000000" else "1"
        )
    credential_revoke(actor=manager, credential=credential)
    with pytest.raises(ValidationError):
        credential_check(bank=bank, number=credential.number, pin=pin)


def test_every_door_opening_is_audited_with_who_which_door_and_case(
    apply: Apply,
    bank: LockerBank,
    credential: LockerCredential,
    clerk: User,
    reviewer: User,
    zhangsan: User,
) -> None:
    case, parcel, code = deposited(apply, bank, credential, clerk, reviewer)
    close(locker_pickup_open(bank=bank, code=code, person=zhangsan))
    openings = AuditRecord.objects.filter(action="locker.door_open").order_by("pk")
    assert [o.changes["purpose"][1] for o in openings] == ["deposit", "pickup"]
    assert openings[0].changes["who"][1] == f"credential:{credential.number}"
    assert openings[1].changes["who"][1] == f"user:{zhangsan.pk}"
    assert all(o.changes["case"][1] == case.pk for o in openings)
