"""The delivery choice: made with the application, checked field by field, changeable until
the result is made; electronic results are delivered at once, window pickups are visits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.delivery.conftest import Apply, to_result
from tongban.accounts.models import User
from tongban.cases.models import CaseState, Visit
from tongban.cases.services import lifecycle as lc
from tongban.core.errors import Conflict
from tongban.delivery.models import Delivery, LockerBank, Where
from tongban.delivery.selectors import delivery_figures
from tongban.delivery.services.choice import delivery_choose

MAIL = {
    "mode": "mail",
    "recipient_name": "张三",
    "recipient_phone": "13800000000",
    "region_code": "610102",
    "address": "西安市新城区示例路1号3单元",
}


def test_the_choice_made_with_the_application_is_kept_and_on_the_timeline(apply: Apply) -> None:
    case = apply(**MAIL)
    delivery = Delivery.objects.get(case=case)
    assert (delivery.mode, delivery.where, delivery.region_code) == (
        "mail",
        Where.AWAITING,
        "610102",
    )
    notes = list(case.events.filter(action="delivery_choose").values_list("note", flat=True))
    assert notes == ["领取方式：免费邮寄"]


def test_an_application_without_a_choice_gets_the_window_the_law_defaults_to(
    apply: Apply,
) -> None:
    case = apply()
    assert Delivery.objects.get(case=case).mode == "window"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"mode": "drone"}, "delivery_mode", "不支持"),
        ({"mode": ""}, "delivery_mode", "请选择"),
        ({**MAIL, "address": ""}, "delivery_address", "详细地址"),
        ({**MAIL, "recipient_phone": "12345"}, "delivery_recipient_phone", "电话"),
        ({**MAIL, "region_code": "110101"}, "delivery_region_code", "本市"),
        ({**MAIL, "region_code": "999999"}, "delivery_region_code", "不存在"),
        ({"mode": "locker", "bank": "nowhere"}, "delivery_bank", "不存在"),
        ({**MAIL, "mode": "door", "door_reason": "rich"}, "delivery_door_reason", "仅面向"),
        ({**MAIL, "mode": "door", "door_reason": "elderly"}, "delivery_door_reason", "周岁"),
    ],
)
def test_a_bad_choice_refuses_the_submission_naming_the_field(
    apply: Apply, values: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        apply(**values)
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert not Delivery.objects.exists()


def test_the_choice_changes_until_the_result_is_made_and_not_after(
    apply: Apply, zhangsan: User, clerk: User, reviewer: User, bank: LockerBank
) -> None:
    case = apply(**MAIL)
    delivery_choose(case=case, actor=zhangsan, values={"mode": "locker", "bank": bank.code})
    delivery = Delivery.objects.get(case=case)
    assert (delivery.mode, delivery.bank_id) == ("locker", bank.pk)
    assert case.events.filter(note__contains="改为").exists()
    case = to_result(case, clerk, reviewer)
    with pytest.raises(Conflict):
        delivery_choose(case=case, actor=zhangsan, values=MAIL)


def test_someone_else_may_not_choose_for_the_applicant(apply: Apply, lisi: User) -> None:
    case = apply(**MAIL)
    with pytest.raises(PermissionDenied):
        delivery_choose(case=case, actor=lisi, values={"mode": "window"})


def test_an_electronic_result_is_delivered_when_made_without_a_visit(
    apply: Apply, clerk: User, reviewer: User
) -> None:
    case = to_result(apply(mode="electronic"), clerk, reviewer)
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    assert Delivery.objects.get(case=case).where == Where.DELIVERED
    assert not Visit.objects.filter(case=case).exists()


def test_visits_per_case_count_what_really_happened(
    apply: Apply, clerk: User, reviewer: User
) -> None:
    electronic = to_result(apply(mode="electronic"), clerk, reviewer)
    window = to_result(apply(mode="window"), clerk, reviewer)
    assert Delivery.objects.get(case=window).where == Where.AT_COUNTER
    lc.case_deliver(case=window, actor=clerk, mode="window", in_person=True)
    figures = delivery_figures()
    assert figures["cases_with_results"] == 2
    assert figures["visits"] == 1 and figures["visits_per_case"] == 0.5
    by_mode = {row["mode"]: row["results"] for row in figures["by_mode"]}
    assert by_mode["electronic"] == 1 and by_mode["window"] == 1
    assert electronic.pk != window.pk
