"""现场核查 in the catalogue: which items, and which of their situations, need an on-site
inspection, and the checklist (核查表) the inspectors fill in. It is one field of the item
version (`ServiceItem.inspection`), so it is versioned, copied into new drafts and moved with
the YAML export like every other field.

The format (an empty mapping: the item needs no inspection)::

    inspection:
      when: [business.catering, business.drinks]   # situation options; empty: always
      limit_days: 10          # working days from the task to the result
      inspectors: 2           # at least 2 (《行政许可法》第四十八条)
      modes: [previsit, merged, on_site]
      address_field: premises_address   # the form field with the site's address
      checklist:
        - code: premises
          text: 经营场所远离污染源，面积与经营项目相适应
          basis: rule          # a key of the item's legal bases
          when: [business.catering]   # optional: only in these situations
          options: [pass, rectify, fail]   # optional: the default; "na" adds 不适用

The modes are the article's three (新城区's 倒上门): a pre-visit with consultation and
material pre-review before the application (`previsit`), the inspection merged with
acceptance (`merged`), and certification on the spot from the inspector's phone (`on_site`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MODES: dict[str, Any] = {
    "previsit": _("预勘：咨询、材料预审与核查一次上门"),
    "merged": _("核查与受理合并"),
    "on_site": _("现场核查、当场发证"),
}
VERDICTS: dict[str, Any] = {
    "pass": _("符合"),
    "rectify": _("限期整改"),
    "fail": _("不符合"),
    "na": _("不适用"),
}
DEFAULT_OPTIONS = ("pass", "rectify", "fail")
DEFAULT_LIMIT_DAYS = 10
MIN_INSPECTORS = 2
MAX_CHECKS = 60
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KEYS = {"when", "limit_days", "inspectors", "modes", "checklist", "address_field"}
CHECK_KEYS = {"code", "text", "basis", "when", "options"}


@dataclass(frozen=True)
class Check:
    code: str
    text: str
    basis: str
    options: tuple[str, ...]
    when: tuple[str, ...]


@dataclass(frozen=True)
class InspectionRule:
    """An item's inspection rule, read from its checked field."""

    when: tuple[str, ...]
    limit_days: int
    inspectors: int
    modes: tuple[str, ...]
    checklist: tuple[Check, ...]
    address_field: str = ""

    def applies(self, chosen: Iterable[str]) -> bool:
        """Whether a case with these situation options (refs "situation.option") needs it."""
        return not self.when or bool(set(self.when) & set(chosen))

    def checks_for(self, chosen: Iterable[str]) -> list[Check]:
        refs = set(chosen)
        return [c for c in self.checklist if not c.when or set(c.when) & refs]


def _refs(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value in (None, []):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and "." in v for v in value):
        problems.append(f"{where}适用情形（when）应为“情形.选项”的列表")
        return ()
    return tuple(value)


def inspection_problems(value: Any) -> list[str]:
    """Why an inspection field cannot be used, in words naming the key; [] when it can."""
    if value in (None, {}):
        return []
    if not isinstance(value, dict):
        return ["现场核查设置应为对象（含 checklist 等）"]
    problems: list[str] = []
    unknown = sorted(set(value) - KEYS)
    if unknown:
        problems.append(f"未知的设置项：{'、'.join(map(str, unknown))}")
    _refs(value.get("when"), "", problems)
    limit = value.get("limit_days", DEFAULT_LIMIT_DAYS)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 60:
        problems.append("核查时限（limit_days）应为1至60个工作日")
    inspectors = value.get("inspectors", MIN_INSPECTORS)
    if (
        not isinstance(inspectors, int)
        or isinstance(inspectors, bool)
        or not MIN_INSPECTORS <= inspectors <= 10
    ):
        problems.append(f"核查人员数（inspectors）应为{MIN_INSPECTORS}至10人")
    address_field = value.get("address_field", "")
    if not isinstance(address_field, str) or len(address_field) > 40:
        problems.append("核查地址字段（address_field）应为申请表中的字段键名")
    modes = value.get("modes") or []
    if not isinstance(modes, list) or any(m not in MODES for m in modes):
        problems.append(f"核查模式（modes）只能是：{'、'.join(MODES)}")
    checklist = value.get("checklist")
    if not isinstance(checklist, list) or not checklist:
        problems.append("核查表（checklist）至少需要一项")
        return problems
    if len(checklist) > MAX_CHECKS:
        problems.append(f"核查表最多{MAX_CHECKS}项")
    seen: set[str] = set()
    for n, check in enumerate(checklist, start=1):
        where = f"核查表第{n}项"
        if not isinstance(check, dict):
            problems.append(f"{where}应为对象（code、text、basis）")
            continue
        extra = sorted(set(check) - CHECK_KEYS)
        if extra:
            problems.append(f"{where}有未知的设置项：{'、'.join(map(str, extra))}")
        code = check.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            problems.append(f"{where}编码（code）应为小写字母、数字、-或_")
        elif code in seen:
            problems.append(f"{where}编码“{code}”重复")
        else:
            seen.add(code)
        text = check.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            problems.append(f"{where}核查内容（text）必填，不超过300字")
        if not isinstance(check.get("basis"), str) or not check["basis"]:
            problems.append(f"{where}须注明依据（basis，事项设定依据的引用标识）")
        options = check.get("options", list(DEFAULT_OPTIONS))
        if (
            not isinstance(options, list)
            or "pass" not in options
            or any(o not in VERDICTS for o in options)
        ):
            problems.append(f"{where}结论选项（options）须含 pass，且只能是：{'、'.join(VERDICTS)}")
        _refs(check.get("when"), where, problems)
    return problems


def validate_inspection(value: Any) -> None:
    problems = inspection_problems(value)
    if problems:
        raise ValidationError(problems)


def inspection_rule(value: Mapping[str, Any] | None) -> InspectionRule | None:
    """The rule of a checked field, or None when the item needs no inspection."""
    if not value:
        return None
    return InspectionRule(
        when=tuple(value.get("when") or ()),
        limit_days=int(value.get("limit_days", DEFAULT_LIMIT_DAYS)),
        inspectors=int(value.get("inspectors", MIN_INSPECTORS)),
        modes=tuple(value.get("modes") or ()),
        address_field=str(value.get("address_field") or ""),
        checklist=tuple(
            Check(
                code=c["code"],
                text=c["text"].strip(),
                basis=c["basis"],
                options=tuple(c.get("options") or DEFAULT_OPTIONS),
                when=tuple(c.get("when") or ()),
            )
            for c in value["checklist"]
        ),
    )


def inspection_reference_problems(
    value: Mapping[str, Any] | None, *, basis_keys: Iterable[str], option_refs: Iterable[str]
) -> list[str]:
    """What the field names that the item version does not have: a legal basis, a situation."""
    rule = inspection_rule(value) if not inspection_problems(value) else None
    if rule is None:
        return []
    bases, options = set(basis_keys), set(option_refs)
    problems = [f"现场核查适用情形“{r}”不存在" for r in rule.when if r not in options]
    for check in rule.checklist:
        if check.basis not in bases:
            problems.append(f"核查项“{check.code}”引用了不存在的依据“{check.basis}”")
        problems += [
            f"核查项“{check.code}”的适用情形“{r}”不存在" for r in check.when if r not in options
        ]
    return problems
