"""The checker: a jurisdiction's rules run over a plan, giving findings that point at places on
the plan. The same code answers the editor while the plan is drawn (`/api/floorplans/check`)
and decides on the server when the plan is saved or attached to an application: the browser
shows findings, it never computes them.

A jurisdiction's rules are a TOML file in `ruledata/`: each rule names its check, its
parameters, whether it is binding (有约束力: the plan cannot be attached until it holds) or
recommended (建议: shown, not blocking), its source, and its message in Chinese and English.
A file may `extends` another (the national rules) and replace or drop its rules by code."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from tongban.floorplans.checks import CHECKS
from tongban.floorplans.format import Plan
from tongban.floorplans.geometry import Geometry

RULEDATA = Path(__file__).parent / "ruledata"
MAX_PER_RULE = 30
BINDING = "binding"
RECOMMENDED = "recommended"


@dataclass(frozen=True)
class Rule:
    code: str
    check: str
    severity: str
    source: str
    source_en: str
    message: str
    message_en: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    name_en: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    message_en: str
    source: str
    source_en: str
    at: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Result:
    jurisdiction: str
    findings: tuple[Finding, ...]

    @property
    def binding(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BINDING]

    @property
    def passed(self) -> bool:
        """No binding finding: the plan may be attached."""
        return not self.binding

    def summary(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "passed": self.passed,
            "binding": len(self.binding),
            "recommended": len(self.findings) - len(self.binding),
        }


def _rule(raw: dict[str, Any], origin: str) -> Rule:
    try:
        rule = Rule(
            code=raw["code"],
            check=raw["check"],
            severity=raw["severity"],
            source=raw["source"],
            source_en=raw.get("source_en", raw["source"]),
            message=raw["message"],
            message_en=raw["message_en"],
            params=dict(raw.get("params", {})),
        )
    except KeyError as missing:
        raise ImproperlyConfigured(f"{origin}: a rule lacks {missing}") from None
    if rule.check not in CHECKS:
        raise ImproperlyConfigured(f"{origin}: rule {rule.code} calls unknown check {rule.check}")
    if rule.severity not in (BINDING, RECOMMENDED):
        raise ImproperlyConfigured(f"{origin}: rule {rule.code} has severity {rule.severity}")
    return rule


@cache
def jurisdiction(code: str) -> Jurisdiction:
    """The rules of `code`, with those of what it extends. Unknown code: LookupError."""
    path = RULEDATA / f"{code}.toml"
    if not code.replace("-", "").replace("_", "").isalnum() or not path.is_file():
        raise LookupError(code)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules: dict[str, Rule] = {}
    if data.get("extends"):
        rules = {rule.code: rule for rule in jurisdiction(data["extends"]).rules}
    for code_dropped in data.get("drop", []):
        rules.pop(code_dropped, None)
    for raw in data.get("rules", []):
        rule = _rule(raw, path.name)
        rules[rule.code] = rule
    return Jurisdiction(
        code=code,
        name=data["name"],
        name_en=data.get("name_en", data["name"]),
        rules=tuple(rules.values()),
    )


def jurisdictions() -> list[Jurisdiction]:
    return [jurisdiction(path.stem) for path in sorted(RULEDATA.glob("*.toml"))]


class _Values(dict[str, Any]):
    """A message's values in one language: a (Chinese, English) pair gives its half."""

    def __init__(self, values: dict[str, Any], english: bool) -> None:
        super().__init__(
            (k, v[1 if english else 0] if isinstance(v, tuple) else v) for k, v in values.items()
        )

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def plan_check(plan: Plan) -> Result:
    """Every rule of the plan's jurisdiction over the plan (an unknown jurisdiction: LookupError,
    which `plan_parse`'s callers turn into a field error)."""
    rules = jurisdiction(plan.jurisdiction)
    geo = Geometry(plan)
    findings = []
    for rule in rules.rules:
        # A rule's first findings are enough to act on: a plan drawn to be checked forever
        # (routes crossing a thousand times) stops here.
        for values, at in islice(CHECKS[rule.check](geo, rule.params), MAX_PER_RULE):
            findings.append(
                Finding(
                    rule=rule.code,
                    severity=rule.severity,
                    message=rule.message.format_map(_Values(values, english=False)),
                    message_en=rule.message_en.format_map(_Values(values, english=True)),
                    source=rule.source,
                    source_en=rule.source_en,
                    at=at,
                )
            )
    findings.sort(key=lambda f: f.severity != BINDING)
    return Result(jurisdiction=plan.jurisdiction, findings=tuple(findings))
