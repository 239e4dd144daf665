"""What a reader returns, and the validation every reading goes through, whatever its source.

A reading never silently accepts a field: a value that fails its check (ID checksum, birth
date or sex against the number, credit code checksum, an expired card) carries a `problem`
for the person to fix, and is not used to fill a form without their confirmation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import ValidationError

from tongban.core.ids import id_number_birth_date, id_number_sex, validate_id_number, validate_uscc
from tongban.core.registry import Registry


class DocumentKind:
    ID_FRONT = "id_card_front"
    ID_BACK = "id_card_back"
    ID_CARD = "id_card"  # both sides, e.g. from a hardware reader
    LICENCE = "business_licence"

    LABELS = {
        ID_FRONT: "居民身份证（人像面）",
        ID_BACK: "居民身份证（国徽面）",
        ID_CARD: "居民身份证",
        LICENCE: "营业执照",
    }


FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期起",
    "valid_until": "有效期至",
    "credit_code": "统一社会信用代码",
    "company_name": "企业名称",
    "company_kind": "类型",
    "legal_representative": "法定代表人",
    "registered_capital": "注册资本",
    "established": "成立日期",
    "company_address": "企业住所",
    "scope": "经营范围",
}


class UnreadableDocument(Exception):
    """The image is not an identity document we know, or too poor to read. Carries a message
    for the person: the fields stay empty for manual entry."""


@dataclasses.dataclass
class ReadField:
    value: str
    confidence: float = 1.0
    problem: str = ""
    note: str = ""  # e.g. where a value came from when it was not read directly

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 3),
            "problem": self.problem,
            "note": self.note,
        }


@dataclasses.dataclass
class DocumentReading:
    kind: str
    source: str  # "ocr", or the hardware reader's name
    fields: dict[str, ReadField]
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not any(f.problem for f in self.fields.values())

    def values(self, *, only_valid: bool = True) -> dict[str, str]:
        return {
            k: f.value for k, f in self.fields.items() if f.value and not (only_valid and f.problem)
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "kind_label": DocumentKind.LABELS.get(self.kind, self.kind),
            "source": self.source,
            "valid": self.valid,
            "problems": self.problems,
            "fields": {
                k: {"label": FIELD_LABELS.get(k, k), **f.as_dict()} for k, f in self.fields.items()
            },
        }


class IdReader(Protocol):
    """An ID document reader. `read` gets what the device or the upload delivered."""

    name: str

    def read(self, payload: object) -> DocumentReading: ...


id_readers: Registry[IdReader] = Registry("ID reader")

SEX_CODES = {"男": "M", "女": "F"}
SEX_NAMES = {v: k for k, v in SEX_CODES.items()}

# The 56 ethnic groups as printed on the card (GB/T 3304 names, without the suffix 族).
ETHNIC_GROUPS = frozenset(
    [
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ]
)


def _flag(field: ReadField | None, problem: str) -> None:
    if field is not None and not field.problem:
        field.problem = problem


def _checked(field: ReadField, validator: Callable[[str], None]) -> bool:
    """Normalise an identifier and run its validator; a failure becomes the field's problem."""
    field.value = field.value.strip().upper()
    try:
        validator(field.value)
    except ValidationError as exc:
        field.problem = exc.messages[0]
        return False
    return True


def validate_reading(reading: DocumentReading, *, today: dt.date) -> DocumentReading:
    """Check every field that can be checked; flag, never drop, what fails."""
    f = reading.fields
    number = f.get("id_number")
    if number is not None and _checked(number, validate_id_number):
        birth = f.get("birth_date")
        if birth is not None and birth.value != id_number_birth_date(number.value).isoformat():
            _flag(birth, "出生日期与公民身份号码不一致")
        sex = f.get("sex")
        if sex is not None and not sex.value:
            # The 17th digit of a valid number encodes sex: use it, and say so.
            sex.value = SEX_NAMES[id_number_sex(number.value)]
            sex.confidence, sex.note = 0.5, "由公民身份号码推得，请核对"
        elif sex is not None and SEX_CODES.get(sex.value) != id_number_sex(number.value):
            _flag(sex, "性别与公民身份号码不一致")
    code = f.get("credit_code")
    if code is not None:
        _checked(code, validate_uscc)
    ethnicity = f.get("ethnicity")
    if ethnicity is not None and ethnicity.value and ethnicity.value not in ETHNIC_GROUPS:
        ethnicity.problem = f"民族“{ethnicity.value}”不在56个民族名称中"
    until = f.get("valid_until")
    if until is not None and until.value and until.value != "长期":
        try:
            expiry = dt.date.fromisoformat(until.value)
        except ValueError:
            until.problem = "有效期限无法识别"
        else:
            if expiry < today:
                until.problem = f"证件已于{expiry:%Y年%m月%d日}过期"
                reading.problems.append("证件已过期，请使用有效证件")
    for key, field in f.items():
        if not field.value and not field.problem:
            field.problem = f"未能识别{FIELD_LABELS.get(key, key)}，请手工填写"
    return reading
