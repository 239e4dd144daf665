"""GB 11643 ID numbers, GB 32100 credit codes, phones, region codes, and masking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from tongban.core.ids import (
    id_number_birth_date,
    id_number_sex,
    region_name,
    validate_id_number,
    validate_phone,
    validate_region_code,
    validate_uscc,
)
from tongban.core.masking import mask_id_number, mask_name, mask_phone
from tongban.core.synthetic import make_id_number, make_uscc

births = st.dates(min_value=dt.date(1984, 1, 1), max_value=dt.date(2020, 12, 31))


@given(birth=births, sequence=st.integers(min_value=0, max_value=999))
def test_generated_id_numbers_validate_and_carry_birth_date_and_sex(
    birth: dt.date, sequence: int
) -> None:
    number = make_id_number("610102", birth, sequence)
    validate_id_number(number)
    assert id_number_birth_date(number) == birth
    assert id_number_sex(number) == ("M" if sequence % 2 else "F")


@given(
    birth=births,
    sequence=st.integers(min_value=0, max_value=999),
    wrong=st.sampled_from("0123456789X"),
)
def test_any_other_check_digit_is_rejected(birth: dt.date, sequence: int, wrong: str) -> None:
    number = make_id_number("610102", birth, sequence)
    if wrong == number[-1]:
        return
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number(number[:-1] + wrong)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("61010219900101123", "18位"),
        ("61010219901301123" + ric.calc_check_digit("61010219901301123" + "0"), "出生日期"),
        ("61010219900101123A", "格式"),
    ],
)
def test_malformed_id_numbers_get_a_chinese_reason(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_id_number(value)


def test_an_id_number_born_in_the_future_is_rejected() -> None:
    number = make_id_number("610102", dt.date.today() + dt.timedelta(days=400), 1)  # noqa: DTZ011
    with pytest.raises(ValidationError, match="晚于今天"):
        validate_id_number(number)


@given(
    serial=st.integers(min_value=0, max_value=99_999_999),
    kind=st.sampled_from(["11", "91", "92", "52"]),
)
def test_generated_credit_codes_validate_and_a_changed_character_does_not(
    serial: int, kind: str
) -> None:
    code = make_uscc(kind, "610102", serial)
    validate_uscc(code)
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_uscc(tampered)


def test_a_published_example_credit_code_is_accepted() -> None:
    validate_uscc("91350100M000100Y43")


def test_a_credit_code_with_a_wrong_embedded_organisation_code_is_rejected() -> None:
    from stdnum.cn import uscc

    body = "91610102" + "12345678" + "0"  # organisation check should be 8, not 0
    code = body + uscc.calc_check_digit(body + "0")
    with pytest.raises(ValidationError, match="组织机构代码"):
        validate_uscc(code)


def test_phones_and_region_codes() -> None:
    validate_phone("13800001234")
    validate_phone("029-12345678")
    with pytest.raises(ValidationError):
        validate_phone("12345")
    validate_region_code("610102")
    assert region_name("610102") == "陕西省 新城区"
    with pytest.raises(ValidationError, match="不存在"):
        validate_region_code("619999")
    with pytest.raises(ValidationError, match="6位"):
        validate_region_code("61A1")


def test_masking_keeps_only_what_is_needed_to_recognise() -> None:
    assert mask_id_number("61010219900101123X") == "610102********123X"
    assert mask_phone("13800001234") == "138****1234"
    assert mask_name("欧阳修") == "欧**"
    assert mask_id_number("") == ""
