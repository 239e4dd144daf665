"""Catalog export and import as YAML, so a city can move its catalog between environments.

An import is all-or-nothing: every item is checked, every error is reported with the item and
the field it concerns, and nothing is written unless all of them pass.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone

from tongban.accounts.models import Department
from tongban.catalog.checks import item_check
from tongban.catalog.models import (
    Audience,
    Condition,
    LegalBasis,
    LifeEvent,
    Material,
    ServiceItem,
    Situation,
    SituationOption,
)
from tongban.catalog.services.dictionary import (
    material_kind_by_code,
    material_kinds_export,
    material_kinds_upsert,
)
from tongban.core.audit import audit_log

ITEM_FIELDS = (
    "code",
    "basic_code",
    "name",
    "name_en",
    "aliases",
    "summary",
    "item_type",
    "audience",
    "legal_limit_days",
    "promised_limit_days",
    "visits_required",
    "visits_reason",
    "online_depth",
    "handling_forms",
    "delivery_modes",
    "fee_charged",
    "fee_standard",
    "fee_basis",
    "online_payment",
    "result_name",
    "result_type",
    "location",
    "hours",
    "consult_phone",
    "form",
    "inspection",
    "commitment",
)
REQUIRED_ITEM_KEYS = (
    "code",
    "name",
    "department",
    "item_type",
    "audience",
    "legal_limit_days",
    "promised_limit_days",
    "visits_required",
    "online_depth",
    "result_name",
    "result_type",
)


class CatalogImportError(ValidationError):
    """Every problem found in an import, each naming the item and the field."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def item_to_dict(item: ServiceItem) -> dict[str, Any]:
    """The item version as plain data: the export format and the basis of version copies."""
    data: dict[str, Any] = {name: getattr(item, name) for name in ITEM_FIELDS}
    # YAML has no decimals: a half-day limit is written as 14.5, a whole one as 15.
    promised = item.promised_limit_days
    data["promised_limit_days"] = int(promised) if promised == int(promised) else float(promised)
    data["department"] = item.department.code
    data["life_events"] = sorted(e.code for e in item.life_events.all())
    data["legal_bases"] = [
        {"key": b.key, "law": b.law, "article": b.article, "excerpt": b.excerpt}
        for b in item.legal_bases.order_by("key")
    ]
    data["conditions"] = [
        {"text": c.text, "basis": c.legal_basis.key if c.legal_basis else None}
        for c in item.conditions.select_related("legal_basis")
    ]
    data["situations"] = [
        {
            "code": s.code,
            "question": s.question,
            "options": [{"code": o.code, "label": o.label} for o in s.options.all()],
        }
        for s in item.situations.prefetch_related("options")
    ]
    data["materials"] = [
        {
            "name": m.name,
            **({"name_en": m.name_en} if m.name_en else {}),
            "requirement": m.requirement,
            "originals": m.originals,
            "copies": m.copies,
            "electronic": m.electronic,
            "source": m.source,
            "source_ref": m.source_ref,
            "when": sorted(o.ref for o in m.applies_when.select_related("situation")),
            "note": m.note,
            **({"data_checks": m.data_checks} if m.data_checks else {}),
            **({"kind": m.kind.code} if m.kind_id and m.kind else {}),
        }
        for m in item.materials.prefetch_related("applies_when__situation")
    ]
    return data


def catalog_export(*, states: tuple[str, ...] = (ServiceItem.State.PUBLISHED,)) -> str:
    items = (
        ServiceItem.objects.filter(state__in=states)
        .select_related("department")
        .prefetch_related("life_events")
        .order_by("code", "version")
    )
    document = {
        "format": CATALOG_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "life_events": [
            {
                "code": e.code,
                "name": e.name,
                **({"name_en": e.name_en} if e.name_en else {}),
                "audience": e.audience,
                "order": e.order,
            }
            for e in LifeEvent.objects.all()
        ],
        "material_kinds": material_kinds_export(),
        "items": [item_to_dict(item) for item in items],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _field_label(name: str) -> str:
    try:
        field = ServiceItem._meta.get_field(name)
    except FieldDoesNotExist:  # a nested key such as "materials[2]"
        return name
    return str(getattr(field, "verbose_name", name))


def _errors_from(exc: ValidationError, where: str) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{where}字段“{_field_label(name)}”（{name}）：{message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [f"{where}{message}" for message in exc.messages]


def item_from_dict(
    data: dict[str, Any],
    *,
    version: int,
    state: str,
    previous: ServiceItem | None = None,
) -> ServiceItem:
    """Create one item version with all its rows from plain data; raise ValidationError on
    any bad field (the caller's transaction rolls the partial rows back)."""
    missing = [key for key in REQUIRED_ITEM_KEYS if data.get(key) in (None, "")]
    if missing:
        raise ValidationError({key: ["必填"] for key in missing})
    department = Department.objects.filter(code=data["department"]).first()
    if department is None:
        raise ValidationError({"department": [f"部门“{data['department']}”不存在"]})
    values = {name: data[name] for name in ITEM_FIELDS if name in data}
    wrong = {
        name: ["应为文字"]
        for name, value in values.items()
        if isinstance(ServiceItem._meta.get_field(name), models.CharField | models.TextField)
        and value is not None
        and not isinstance(value, str)
    }
    if wrong:
        raise ValidationError(wrong)
    item = ServiceItem(department=department, version=version, state=state, previous=previous)
    if isinstance(values.get("promised_limit_days"), int | float | str):
        with contextlib.suppress(InvalidOperation):  # else full_clean names the field
            values["promised_limit_days"] = Decimal(str(values["promised_limit_days"]))
    for name, value in values.items():
        setattr(item, name, value)
    if state == ServiceItem.State.PUBLISHED:
        item.published_at = timezone.now()
    item.full_clean(exclude=["previous"], validate_constraints=False)
    item.save()

    event_codes = list(data.get("life_events") or [])
    events = list(LifeEvent.objects.filter(code__in=event_codes))
    unknown_events = sorted(set(event_codes) - {e.code for e in events})
    if unknown_events:
        raise ValidationError({"life_events": [f"主题事件“{'、'.join(unknown_events)}”不存在"]})
    item.life_events.set(events)

    bases: dict[str, LegalBasis] = {}
    for raw in data.get("legal_bases") or []:
        basis = LegalBasis(item=item, **_pick(raw, ("key", "law", "article", "excerpt")))
        basis.full_clean(exclude=["item"])
        basis.save()
        bases[basis.key] = basis
    for order, raw in enumerate(data.get("conditions") or []):
        key = raw.get("basis")
        if key and key not in bases:
            raise ValidationError({"conditions": [f"受理条件引用了不存在的依据“{key}”"]})
        Condition.objects.create(
            item=item, text=raw["text"], legal_basis=bases.get(key) if key else None, order=order
        )
    options: dict[str, SituationOption] = {}
    for order, raw in enumerate(data.get("situations") or []):
        situation = Situation(item=item, code=raw["code"], question=raw["question"], order=order)
        situation.full_clean(exclude=["item"])
        situation.save()
        for option_order, raw_option in enumerate(raw.get("options") or []):
            option = SituationOption.objects.create(
                situation=situation,
                code=raw_option["code"],
                label=raw_option["label"],
                order=option_order,
            )
            options[f"{situation.code}.{option.code}"] = option
    for order, raw in enumerate(data.get("materials") or []):
        material = Material(
            item=item,
            order=order,
            **_pick(
                raw,
                ("name", "name_en", "requirement", "originals", "copies", "electronic", "source"),
            ),
            source_ref=raw.get("source_ref") or "",
            note=raw.get("note") or "",
            data_checks=raw.get("data_checks") or [],
            kind=material_kind_by_code(str(raw.get("kind") or "")),
        )
        if raw.get("kind") and material.kind is None:
            raise ValidationError(
                {f"materials[{order + 1}]": [f"材料字典中没有条目“{raw.get('kind')}”"]}
            )
        try:
            material.full_clean(exclude=["item"])
        except ValidationError as exc:
            raise ValidationError(
                {f"materials[{order + 1}]": [f"“{raw.get('name')}”：{m}" for m in exc.messages]}
            ) from exc
        material.save()
        refs = list(raw.get("when") or [])
        unknown_refs = [r for r in refs if r not in options]
        if unknown_refs:
            raise ValidationError(
                {f"materials[{order + 1}]": [f"适用情形“{'、'.join(unknown_refs)}”不存在"]}
            )
        material.applies_when.set([options[r] for r in refs])
    return item


def _pick(raw: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: raw[key] for key in keys if key in raw and raw[key] is not None}


CATALOG_FORMAT = "tongban-catalog/1"


def _upsert_life_events(raw_events: Any, errors: list[str]) -> None:
    if not isinstance(raw_events, list):
        errors.append("主题事件（life_events）应为列表")
        return
    codes = [raw.get("code") for raw in raw_events if isinstance(raw, dict)]
    for code in sorted({c for c in codes if c and codes.count(c) > 1}, key=str):
        errors.append(f"主题事件编码“{code}”重复")
    for index, raw in enumerate(raw_events, start=1):
        if not isinstance(raw, dict):
            errors.append(f"第{index}个主题事件：格式错误，应为含编码、名称和服务对象的条目")
            continue
        audience = raw.get("audience")
        if not raw.get("code") or not raw.get("name") or audience not in Audience.values:
            errors.append(f"第{index}个主题事件：编码、名称和服务对象（person/enterprise）必填")
            continue
        LifeEvent.objects.update_or_create(
            code=raw["code"],
            defaults={
                "name": raw["name"],
                "name_en": str(raw.get("name_en") or ""),
                "audience": audience,
                "order": raw.get("order", 0),
            },
        )


def catalog_import(*, text: str, publish: bool = True) -> ImportReport:
    """Import a YAML catalog; all-or-nothing. Raises CatalogImportError listing every problem."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogImportError([f"YAML 格式错误：{exc}"]) from exc
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise CatalogImportError(["文件应包含事项列表（items）"])
    given = document.get("format", CATALOG_FORMAT)
    if given != CATALOG_FORMAT:
        raise CatalogImportError(
            [f"不支持的目录格式版本“{given}”：本平台读取 {CATALOG_FORMAT}（format 字段）"]
        )
    report = ImportReport()
    errors: list[str] = []
    state = ServiceItem.State.PUBLISHED if publish else ServiceItem.State.DRAFT
    with transaction.atomic():
        _upsert_life_events(document.get("life_events") or [], errors)
        material_kinds_upsert(document.get("material_kinds") or [], errors)
        seen: set[str] = set()
        for index, raw in enumerate(document["items"], start=1):
            where = (
                f"第{index}个事项（{raw.get('name', '未命名') if isinstance(raw, dict) else ''}）"
            )
            if not isinstance(raw, dict):
                errors.append(f"{where}格式错误")
                continue
            _fill_code(raw)
            if not raw.get("code"):
                if not Department.objects.filter(code=raw.get("department")).exists():
                    errors.append(
                        f"{where}字段“实施主体”（department）：部门“{raw.get('department')}”不存在"
                    )
                else:
                    errors.append(f"{where}字段“实施编码”（code）：必填")
                continue
            if raw.get("code") in seen:
                errors.append(f"{where}字段“实施编码”（code）：与前面的事项重复")
                continue
            seen.add(str(raw.get("code")))
            try:
                with transaction.atomic():
                    _import_one(raw, state, report)
            except ValidationError as exc:
                errors.extend(_errors_from(exc, where))
            except KeyError as exc:
                errors.append(f"{where}数据结构错误：缺少字段“{exc.args[0] if exc.args else ''}”")
            except (TypeError, ValueError, AttributeError):
                errors.append(
                    f"{where}数据结构错误：某个字段的类型不对（应为文字、数字、列表或对象，"
                    "请对照导出的目录文件）"
                )
        if errors:
            transaction.set_rollback(True)
            raise CatalogImportError(errors)
        audit_log(
            action="catalog.import",
            object_type="catalog.serviceitem",
            object_id="*",
            changes={
                "created": [None, report.created],
                "new_versions": [None, report.new_versions],
            },
        )
    return report


def implementation_code(basic_code: str, department: Department) -> str:
    """The national implementation-code shape:
    {basic code}-{12-digit area code}-000-{implementing body's credit code}-1-00."""
    return f"{basic_code}-{department.region_code}000000-000-{department.credit_code}-1-00"


def _fill_code(raw: dict[str, Any]) -> None:
    if raw.get("code") or not raw.get("basic_code"):
        return
    department = Department.objects.filter(code=raw.get("department")).first()
    if department is not None and department.credit_code:
        raw["code"] = implementation_code(str(raw["basic_code"]), department)


def _import_one(raw: dict[str, Any], state: str, report: ImportReport) -> None:
    code = str(raw["code"])
    versions = ServiceItem.objects.filter(code=code)
    current = versions.filter(state=ServiceItem.State.PUBLISHED).first()
    latest = versions.order_by("-version").first()
    versions.filter(state=ServiceItem.State.DRAFT).delete()
    savepoint = transaction.savepoint()
    item = item_from_dict(
        raw,
        version=(latest.version + 1) if latest else 1,
        state=ServiceItem.State.DRAFT,
        previous=current,
    )
    if current is not None and item_to_dict(item) == item_to_dict(current):
        transaction.savepoint_rollback(savepoint)
        report.unchanged.append(code)
        return
    transaction.savepoint_commit(savepoint)
    if state == ServiceItem.State.PUBLISHED:
        blocking = [f for f in item_check(item) if f.blocking]
        if blocking:
            raise ValidationError({f.field: [f.message] for f in blocking})
        if current is not None:
            versions.filter(pk=current.pk).update(state=ServiceItem.State.SUPERSEDED)
        item.state = ServiceItem.State.PUBLISHED
        item.published_at = timezone.now()
        item.save(update_fields=["state", "published_at"])
    (report.new_versions if latest else report.created).append(code)
    audit_log(
        action="catalog.item_import",
        obj=item,
        changes={
            "version": [latest.version if latest else None, item.version],
            "state": [None, item.state],
        },
    )
