"""告知承诺 in the catalogue: the items, and the situations, where the applicant may sign a
commitment (承诺书) instead of proving some conditions; the conditions promised, each with its
legal basis; the materials the commitment replaces; and when the promise is checked on site
after the licence is issued. One field of the item version (`ServiceItem.commitment`),
versioned and moved with the YAML export like every other field.

The format (an empty mapping: no commitment is offered)::

    commitment:
      basis: notice            # the legal basis of the commitment system for this item
      when: [premises.rent]    # situation options; empty: always offered
      conditions:              # what the applicant promises instead of proving
        - {code: testing, text: 经营场所卫生检测合格, basis: rules}
      waives: [卫生检测报告]    # materials not asked of those who sign
      post_check_days: 30      # working days from the licence to the post-check
      rectify_days: 10         # the rectification order's default deadline
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KEYS = {"basis", "when", "conditions", "waives", "post_check_days", "rectify_days"}
DEFAULT_POST_CHECK_DAYS = 30
DEFAULT_RECTIFY_DAYS = 10


@dataclass(frozen=True)
class Promise:
    code: str
    text: str
    basis: str


@dataclass(frozen=True)
class CommitmentRule:
    basis: str
    when: tuple[str, ...]
    conditions: tuple[Promise, ...]
    waives: tuple[str, ...]
    post_check_days: int
    rectify_days: int

    def applies(self, chosen: Iterable[str]) -> bool:
        return not self.when or bool(set(self.when) & set(chosen))


def _days(value: Any, key: str, label: str, default: int, problems: list[str]) -> None:
    days = value if value is not None else default
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 120:
        problems.append(f"{label}（{key}）应为1至120个工作日")


def commitment_problems(value: Any) -> list[str]:
    """Why a commitment field cannot be used, naming the key; [] when it can."""
    if value in (None, {}):
        return []
    if not isinstance(value, dict):
        return ["告知承诺设置应为对象（含 conditions 等）"]
    problems: list[str] = []
    unknown = sorted(set(value) - KEYS)
    if unknown:
        problems.append(f"未知的设置项：{'、'.join(map(str, unknown))}")
    if not isinstance(value.get("basis"), str) or not value["basis"]:
        problems.append("须注明告知承诺的依据（basis，事项设定依据的引用标识）")
    when = value.get("when") or []
    if not isinstance(when, list) or not all(isinstance(w, str) and "." in w for w in when):
        problems.append("适用情形（when）应为“情形.选项”的列表")
    waives = value.get("waives") or []
    if not isinstance(waives, list) or not all(isinstance(w, str) and w for w in waives):
        problems.append("免提交材料（waives）应为材料名称的列表")
    _days(value.get("post_check_days"), "post_check_days", "核查时限", 30, problems)
    _days(value.get("rectify_days"), "rectify_days", "整改期限", 10, problems)
    conditions = value.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        problems.append("承诺的条件（conditions）至少需要一项")
        return problems
    seen: set[str] = set()
    for n, condition in enumerate(conditions, start=1):
        where = f"承诺条件第{n}项"
        if not isinstance(condition, dict):
            problems.append(f"{where}应为对象（code、text、basis）")
            continue
        code = condition.get("code")
        if not isinstance(code, str) or not CODE.match(code) or code in seen:
            problems.append(f"{where}编码（code）应为不重复的小写字母、数字、-或_")
        else:
            seen.add(code)
        text = condition.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            problems.append(f"{where}内容（text）必填，不超过300字")
        if not isinstance(condition.get("basis"), str) or not condition["basis"]:
            problems.append(f"{where}须注明依据（basis）")
    return problems


def validate_commitment(value: Any) -> None:
    problems = commitment_problems(value)
    if problems:
        raise ValidationError(problems)


def commitment_rule(value: Mapping[str, Any] | None) -> CommitmentRule | None:
    if not value:
        return None
    return CommitmentRule(
        basis=str(value["basis"]),
        when=tuple(value.get("when") or ()),
        conditions=tuple(
            Promise(code=c["code"], text=c["text"].strip(), basis=c["basis"])
            for c in value["conditions"]
        ),
        waives=tuple(value.get("waives") or ()),
        post_check_days=int(value.get("post_check_days") or DEFAULT_POST_CHECK_DAYS),
        rectify_days=int(value.get("rectify_days") or DEFAULT_RECTIFY_DAYS),
    )


def commitment_reference_problems(
    value: Mapping[str, Any] | None,
    *,
    basis_keys: Iterable[str],
    option_refs: Iterable[str],
    material_names: Iterable[str],
) -> list[str]:
    """What the field names that the item version does not have."""
    if commitment_problems(value):
        return []
    rule = commitment_rule(value)
    if rule is None:
        return []
    bases, options, materials = set(basis_keys), set(option_refs), set(material_names)
    problems = []
    if rule.basis not in bases:
        problems.append(f"告知承诺引用了不存在的依据“{rule.basis}”")
    problems += [f"告知承诺适用情形“{r}”不存在" for r in rule.when if r not in options]
    problems += [
        f"告知承诺免提交的材料“{m}”不是本事项的材料" for m in rule.waives if m not in materials
    ]
    problems += [
        f"承诺条件“{c.code}”引用了不存在的依据“{c.basis}”"
        for c in rule.conditions
        if c.basis not in bases
    ]
    return problems
