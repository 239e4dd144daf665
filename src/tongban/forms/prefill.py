"""Prefill sources behind one registry. Each declares what it needs and what it fills; the
form's fields name, in order of preference, the source keys they take (`"profile.real_name"`).

Registered explicitly at start-up: the account profile and the ID document reading here; the
exchange (resources granted to the item's department) by the exchange app; the applicant's
earlier cases by the cases app. A source that cannot answer (no account, no grant, provider
down) fills nothing: the person types the value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_noop

from tongban.core.ids import id_number_sex
from tongban.core.registry import Registry
from tongban.forms.idreader.reading import FIELD_LABELS

if TYPE_CHECKING:
    from tongban.accounts.models import Enterprise, User
    from tongban.catalog.models import ServiceItem
    from tongban.forms.schema import FormSchema


@dataclasses.dataclass(frozen=True)
class PrefillContext:
    item: ServiceItem
    user: User | None = None  # None at a kiosk: nobody is signed in
    enterprise: Enterprise | None = None
    reading: Mapping[str, str] | None = None  # validated values of an ID document reading
    case_id: int | None = None


class PrefillSource(Protocol):
    name: str
    label: str  # shown next to a filled field: "来自：身份证件识别"
    needs: str  # what it needs to answer, for the admin's reference

    @property
    def provides(self) -> dict[str, str]:  # key → label
        ...

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]: ...


prefill_sources: Registry[PrefillSource] = Registry("prefill source")


@dataclasses.dataclass(frozen=True)
class Prefilled:
    value: str
    source: str
    source_label: str
    editable: bool


class _KnownKeys:
    """`"source.key" in prefill_keys()`: a source that names its keys by a pattern (the
    certificate library grows with its certificate types) says itself what it accepts."""

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, str):
            return False
        name, _, key = ref.partition(".")
        try:
            source = prefill_sources.get(name)
        except LookupError:
            return False
        accepts = getattr(source, "accepts", None)
        return bool(accepts(key)) if accepts is not None else key in source.provides


def prefill_keys() -> _KnownKeys:
    """What a form may name as a prefill source: `ref in prefill_keys()`."""
    return _KnownKeys()


def prefill_catalogue() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(name, label, needs, [(key, label)]) for the admin's help text."""
    out = []
    for name in prefill_sources.names():
        source = prefill_sources.get(name)
        out.append((name, source.label, source.needs, sorted(source.provides.items())))
    return out


def prefill(
    schema: FormSchema, ctx: PrefillContext, *, sources: set[str] | None = None
) -> dict[str, Prefilled]:
    """For each field that names prefill keys, the first source, in the field's order of
    preference, that has a value. Sources are asked in rounds — every field's first choice,
    then the second choice only for the fields still empty, and so on — so a source holding
    personal data is not queried for what an earlier choice already gave; each source is asked
    at most once per round, for all the keys wanted of it. `sources` limits which are asked."""
    filled: dict[str, Prefilled] = {}
    asked: dict[str, dict[str, str]] = {}
    rounds = max((len(f.prefill) for f in schema.fields), default=0)
    for position in range(rounds):
        wanted: dict[str, set[str]] = {}
        for f in schema.fields:
            if f.key in filled or position >= len(f.prefill):
                continue
            name, _, key = f.prefill[position].partition(".")
            if (sources is None or name in sources) and key not in asked.get(name, {}):
                wanted.setdefault(name, set()).add(key)
        for name, keys in wanted.items():
            try:
                source = prefill_sources.get(name)
            except LookupError:
                continue
            answers = source.fetch(ctx, keys)
            asked.setdefault(name, {}).update({k: answers.get(k, "") for k in keys})
        for f in schema.fields:
            if f.key in filled or position >= len(f.prefill):
                continue
            name, _, key = f.prefill[position].partition(".")
            value = asked.get(name, {}).get(key)
            if value:
                filled[f.key] = Prefilled(
                    value=value,
                    source=name,
                    source_label=prefill_sources.get(name).label,
                    editable=f.editable_when_prefilled,
                )
    return filled


# --- the sources this app provides ------------------------------------------------------------


def _sex_of(number: str) -> str:
    """性别 as forms write it, from a valid ID number's 17th digit; "" otherwise."""
    if len(number) != 18 or not number[16].isdigit():
        return ""
    return "男" if id_number_sex(number) == "M" else "女"


class ProfileSource:
    name = "profile"
    label = gettext_noop("实名账户")
    needs = "已登录的实名账户（以企业名义申请时，还有所选企业）"
    provides = {
        "real_name": "姓名",
        "id_number": "公民身份号码",
        "sex": "性别（由公民身份号码得出）",
        "phone": "手机号码",
        "email": "电子邮箱",
        "enterprise_name": "企业名称",
        "enterprise_uscc": "统一社会信用代码",
        "enterprise_legal_representative": "法定代表人",
        "enterprise_region": "企业所在行政区划",
        "enterprise_address": "企业住所",
    }

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        if ctx.user is not None:
            number = ctx.user.id_number or ""
            out |= {
                "real_name": ctx.user.real_name,
                "id_number": number,
                "sex": _sex_of(number),
                "phone": ctx.user.phone,
                "email": ctx.user.email,
            }
        if ctx.enterprise is not None:
            e = ctx.enterprise
            out |= {
                "enterprise_name": e.name,
                "enterprise_uscc": e.uscc,
                "enterprise_legal_representative": e.legal_representative,
                "enterprise_region": e.region_code,
                "enterprise_address": e.address,
            }
        return {k: v for k, v in out.items() if k in keys}


class IdDocumentSource:
    name = "id_document"
    label = gettext_noop("证件识别")
    needs = "在自助机或页面上读取的身份证件（读卡器或拍照识别），仅取校验通过的字段"
    provides = FIELD_LABELS  # every field a reader may deliver, once it passed validation

    def fetch(self, ctx: PrefillContext, keys: set[str]) -> dict[str, str]:
        return {k: v for k, v in (ctx.reading or {}).items() if k in keys}


def register_builtin_sources() -> None:
    prefill_sources.register("profile", ProfileSource())
    prefill_sources.register("id_document", IdDocumentSource())
