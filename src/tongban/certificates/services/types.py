"""Certificate types (证照目录): checked definitions, loaded from YAML, published to the
exchange as the certificate library's resources."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import Department
from tongban.certificates.models import CertificateType, HolderKind, Template
from tongban.certificates.numbering import pattern_problems
from tongban.core.audit import audit_log
from tongban.exchange.models import DataResource, SubjectKind
from tongban.exchange.services.grants import resource_define

SOURCE_ROOTS = {"enterprise", "applicant", "form", "case", "item", "department"}


def _field_problems(fields: Any) -> list[str]:
    if not isinstance(fields, list) or not fields:
        return ["证面字段须为非空列表"]
    problems, seen = [], set()
    for i, spec in enumerate(fields, 1):
        if not isinstance(spec, Mapping) or not {"code", "label", "source"} <= set(spec):
            problems.append(f"第{i}个证面字段须有 code、label、source")
            continue
        if spec["code"] in seen:
            problems.append(f"证面字段编码重复：{spec['code']}")
        seen.add(spec["code"])
        source = str(spec["source"])
        root = source.split(".", 1)[0]
        if not source.startswith("=") and (root not in SOURCE_ROOTS or "." not in source):
            problems.append(f"证面字段“{spec['label']}”的来源无法识别：{source}")
    return problems


def type_problems(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Why a certificate type's definition cannot be used, by field (empty when it can)."""
    errors: dict[str, list[str]] = {}
    if problems := pattern_problems(str(spec.get("number_pattern", ""))):
        errors["number_pattern"] = problems
    # The opinion form prints the review's own table, not fields of a case.
    opinion = spec.get("template") == Template.OPINION and not spec.get("fields")
    if not opinion and (problems := _field_problems(spec.get("fields"))):
        errors["fields"] = problems
    if spec.get("template") not in Template.values:
        errors["template"] = ["版式无效"]
    if spec.get("holder_kind") not in HolderKind.values:
        errors["holder_kind"] = ["持证主体无效"]
    items = spec.get("items") or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors["items"] = ["签发事项须为事项基本编码的列表"]
    return errors


def type_define(*, code: str, provider: Department | None = None, **spec: Any) -> CertificateType:
    """Create or update a certificate type (the fixture), then publish it to the certificate
    library's exchange resource. A bad definition is refused, naming the field."""
    if errors := type_problems(spec):
        raise ValidationError(errors)
    with transaction.atomic():
        kind, created = CertificateType.objects.update_or_create(code=code, defaults=spec)
        audit_log(
            action="certificates.type.define",
            obj=kind,
            changes={"created": created, "code": code, "items": kind.items},
        )
        type_publish(kind, provider)
    return kind


def type_publish(kind: CertificateType, provider: Department | None = None) -> None:
    """Publish the type to the exchange (its provider: the given department, else the one
    already publishing it). A type without a resource code is not shared."""
    if not kind.resource_code:
        return
    if provider is None:
        existing = DataResource.objects.filter(code=kind.resource_code).first()
        if existing is None:
            return
        provider = existing.provider
    _publish(kind, provider)


def _publish(kind: CertificateType, provider: Department) -> DataResource:
    subject = SubjectKind.ENTERPRISE if kind.holder_kind == HolderKind.ENTERPRISE else "person"
    fields = [
        {"code": "certificate_no", "label": "证照编号", "sensitivity": "public"},
        {"code": "holder", "label": "持证者", "sensitivity": "public"},
        {"code": "issued_on", "label": "发证日期", "sensitivity": "public"},
        {"code": "valid_until", "label": "有效期至", "sensitivity": "public"},
    ] + [
        {"code": f["code"], "label": f["label"], "sensitivity": f.get("sensitivity", "internal")}
        for f in kind.fields
    ]
    # A resource the catalogue already names (营业执照登记信息) keeps its name and summary.
    named = (
        {}
        if DataResource.objects.filter(code=kind.resource_code).exists()
        else {
            "name": kind.name,
            "name_en": kind.name_en,
            "description": f"本平台签发的{kind.name}（电子证照库）",
        }
    )
    return resource_define(
        code=kind.resource_code,
        provider=provider,
        fields=fields,
        **named,
        kind=DataResource.Kind.CERTIFICATE,
        sharing_class="unconditional",
        subject_kind=subject,
        update_frequency="realtime",
        issued_by_item=kind.items[0] if kind.items else "",
        provider_plugin="certificates",
    )


def types_load(text: str) -> list[CertificateType]:
    """Define every type in a `tongban-certificates/1` YAML document (the demo city's)."""
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or doc.get("format") != "tongban-certificates/1":
        raise ValidationError({"format": ["证照目录格式应为 tongban-certificates/1"]})
    out = []
    for spec in doc.get("types") or []:
        spec = dict(spec)
        provider = spec.pop("provider", None)
        department = Department.objects.get(code=provider) if provider else None
        out.append(type_define(provider=department, **spec))
    return out


def demo_types_text() -> str:
    return (
        resources.files("tongban.certificates")
        .joinpath("fixtures/certificate_types.yaml")
        .read_text(encoding="utf-8")
    )
