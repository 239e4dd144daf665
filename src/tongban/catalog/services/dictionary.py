"""The material dictionary (材料字典): one entry per kind of document, loaded with the
catalogue (`material_kinds:` in its YAML), and the check that flags an item spelling a
material differently from its entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from tongban.catalog.checks import Finding
from tongban.catalog.models import MaterialKind, ServiceItem


def material_kinds_upsert(raw_kinds: Any, errors: list[str]) -> None:
    """Create or update each entry by its code; every problem goes into `errors`."""
    if not isinstance(raw_kinds, list):
        errors.append("材料字典（material_kinds）应为列表")
        return
    for n, raw in enumerate(raw_kinds, start=1):
        if not isinstance(raw, dict) or not raw.get("code") or not raw.get("name"):
            errors.append(f"材料字典第{n}条：须有编码（code）和规范名称（name）")
            continue
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            errors.append(f"材料字典第{n}条（{raw['name']}）：别称（aliases）应为文字列表")
            continue
        kind = MaterialKind.objects.filter(code=raw["code"]).first() or MaterialKind(
            code=raw["code"]
        )
        kind.name = str(raw["name"])
        kind.name_en = str(raw.get("name_en") or "")
        kind.aliases = aliases
        kind.trust = str(raw.get("trust") or MaterialKind.Trust.C)
        kind.note = str(raw.get("note") or "")
        try:
            kind.full_clean()
        except ValidationError as exc:
            errors.extend(f"材料字典第{n}条（{raw['name']}）：{m}" for m in exc.messages)
            continue
        kind.save()


def material_kinds_export() -> list[dict[str, Any]]:
    return [
        {
            "code": k.code,
            "name": k.name,
            **({"name_en": k.name_en} if k.name_en else {}),
            "aliases": k.aliases,
            "trust": k.trust,
            "note": k.note,
        }
        for k in MaterialKind.objects.all()
    ]


def material_kind_by_code(code: str) -> MaterialKind | None:
    return MaterialKind.objects.filter(code=code).first() if code else None


def dictionary_check(item: ServiceItem) -> list[Finding]:
    """A material that refers to an entry but is named otherwise, or that goes by one of an
    entry's other names without referring to it: the same document spelled two ways."""
    findings = []
    kinds = list(MaterialKind.objects.all())
    by_alias = {alias: kind for kind in kinds for alias in kind.aliases}
    by_name = {kind.name: kind for kind in kinds}
    for material in item.materials.select_related("kind"):
        if material.kind is not None and material.name != material.kind.name:
            findings.append(
                Finding(
                    "materials",
                    f"材料“{material.name}”应使用材料字典的规范名称“{material.kind.name}”",
                )
            )
        elif material.kind is None:
            kind = by_alias.get(material.name) or by_name.get(material.name)
            if kind is not None:
                findings.append(
                    Finding(
                        "materials",
                        f"材料“{material.name}”即材料字典中的“{kind.name}”，应引用该条目"
                        f"（kind: {kind.code}）",
                    )
                )
    return findings
