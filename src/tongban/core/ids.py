"""Validators for national identifiers: GB 11643 ID numbers, GB 32100 credit codes, regions."""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def validate_id_number(value: str) -> None:
    """Reject a resident ID number whose length, birth date or check digit is wrong."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError("公民身份号码应为18位", code="id_number_length")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            "公民身份号码格式错误：前17位应为数字，末位为数字或X", code="id_number_format"
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("公民身份号码校验位错误", code="id_number_checksum")
    try:
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError("公民身份号码中的出生日期无效", code="id_number_birth") from exc
    # The region must be a known GB/T 2260 code, of any period. (stdnum also demands that the
    # code existed in the birth year, which refuses everyone born before their county's code
    # was assigned in 1983: numbers were first issued in the 1980s, for people of every age.)
    if not _region_known(number[:6]):
        raise ValidationError("公民身份号码中的地区码无效", code="id_number_component")
    if ric.get_birth_date(number) > dt.date.today():  # noqa: DTZ011 — a calendar date, not a time
        raise ValidationError("公民身份号码中的出生日期晚于今天", code="id_number_birth")


def _region_known(code: str) -> bool:
    parts = numdb.get("cn/loc").info(code)
    return len(parts) > 1 and bool(parts[1][1].get("county"))


def id_number_birth_date(value: str) -> dt.date:
    return ric.get_birth_date(normalize_id_number(value))


def id_number_sex(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd = male)."""
    return "M" if int(normalize_id_number(value)[16]) % 2 else "F"


def normalize_uscc(value: str) -> str:
    return value.strip().upper()


def validate_uscc(value: str) -> None:
    """Reject a unified social credit code whose format or check character is wrong."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位", code="uscc_length")
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError("统一社会信用代码校验位错误", code="uscc_checksum") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError("统一社会信用代码格式错误", code="uscc_format") from exc
    if organization_code_check(code[8:16]) != code[16]:
        raise ValidationError(
            "统一社会信用代码中的组织机构代码校验位错误", code="uscc_org_checksum"
        )


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body (embedded in a USCC)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def validate_phone(value: str) -> None:
    """Accept a mainland China mobile or fixed-line number."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("电话号码格式错误", code="phone_format") from exc
    if not phonenumbers.is_valid_number_for_region(parsed, "CN"):
        raise ValidationError("电话号码无效", code="phone_invalid")


def region_name(value: str) -> str:
    """'陕西省 新城区' for a known GB/T 2260 code, '' for an unknown one."""
    if len(value) != 6 or not value.isdigit():
        return ""
    parts = numdb.get("cn/loc").info(value)
    province = parts[0][1].get("province", "")
    county = parts[1][1].get("county", "") if len(parts) > 1 else ""
    if not province or not county:
        return ""
    county = re.sub(r"^\[[^\]]*\]", "", county)
    return province if county == province else f"{province} {county}"


def region_is_current(value: str) -> bool:
    """A code in use today: the table marks withdrawn codes with the years they were used
    ("[1983-2016]户县"); a current one has no end year."""
    if not region_name(value):
        return False
    county = numdb.get("cn/loc").info(value)[1][1].get("county", "")
    years = re.match(r"^\[([^\]]*)\]", county)
    return years is None or years.group(1).endswith("-")


def validate_region_code(value: str) -> None:
    """A GB/T 2260 administrative-division code known to the national table."""
    if len(value) != 6 or not value.isdigit():
        raise ValidationError("行政区划代码应为6位数字", code="region_format")
    if not region_name(value):
        raise ValidationError(f"行政区划代码{value}不存在", code="region_unknown")


def looks_like_id_number(text: str) -> bool:
    """Typed text shaped like a resident ID number (17 digits and a check character)."""
    text = text.strip()
    return len(text) == 18 and text.isascii() and text[:17].isdigit()


def id_digest(value: str) -> str:
    """A keyed digest of an ID number (HMAC-SHA256 under the installation's secret key): equal
    numbers give equal digests, and without the key a digest cannot be turned back into the
    number by trying every birth date and sequence."""
    from django.utils.crypto import salted_hmac

    number = normalize_id_number(value)
    return salted_hmac("tongban.id_number", number, algorithm="sha256").hexdigest()
