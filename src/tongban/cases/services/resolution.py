"""Materials the platform obtains instead of the applicant (免提交): a shared resource or an
electronic certificate through the exchange, within the handling department's grants, or the
result of the applicant's earlier case. What cannot be obtained (no grant, no record, provider
down or garbled) is asked of the applicant instead, with the reason; nothing else breaks.

Resolution runs in its own transaction before a submission is validated, so that every access
to someone's data stays in the log even when the submission is then refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import Department, Enterprise, User
from tongban.cases.models import Case, CaseMaterial, CaseState, Decision
from tongban.catalog.models import Material
from tongban.core.texts import said
from tongban.exchange.models import DataResource, SubjectKind
from tongban.exchange.services.query import QueryRequest, QueryResult, exchange_query_many

Status = CaseMaterial.Status
PENDING = {Status.TO_RESOLVE, Status.UNAVAILABLE}
RESULT_STATES = [CaseState.RESULT_READY, CaseState.DELIVERED, CaseState.COMPLETED]


def case_label(case: Case) -> str:
    """The case's number, or "申请12" (said in each language) before it has one."""
    return case.number or said(gettext_noop("申请{n}"), n=case.pk)


def _subject_key(case: Case, resource: DataResource) -> str | None:
    if resource.subject_kind == SubjectKind.ENTERPRISE:
        return case.enterprise.uscc if case.enterprise is not None else None
    return case.applicant.id_number or None


def _earlier_result(case: Case, material: Material) -> Case | None:
    """The newest approved case of the producing item for the same subject whose result
    exists (produced, delivered or completed: a bundle's next item need not wait for the
    pickup)."""
    earlier = Case.objects.filter(
        item__basic_code=material.source_ref,
        state__in=RESULT_STATES,
        decision=Decision.GRANT,
    ).exclude(pk=case.pk)
    if case.enterprise_id:
        earlier = earlier.filter(enterprise_id=case.enterprise_id)
    else:
        earlier = earlier.filter(applicant_id=case.applicant_id, enterprise__isnull=True)
    return earlier.select_related("item", "department").order_by("-pk").first()


def resources_for(materials: list[Material]) -> dict[int, DataResource]:
    """Each material's resource (by code, or the certificate an item issues), in one query."""
    codes = {m.source_ref for m in materials if m.source != Material.Source.ITEM_OUTPUT}
    issued = {m.source_ref for m in materials if m.source == Material.Source.ITEM_OUTPUT}
    resources = list(
        DataResource.objects.filter(Q(code__in=codes) | Q(issued_by_item__in=issued, active=True))
        .select_related("provider")
        .prefetch_related("fields")
    )
    by_code = {r.code: r for r in resources}
    by_item = {r.issued_by_item: r for r in resources if r.issued_by_item}
    found = {}
    for material in materials:
        if material.source == Material.Source.ITEM_OUTPUT:
            resource = by_item.get(material.source_ref)
        else:
            resource = by_code.get(material.source_ref)
        if resource is not None:
            found[material.pk] = resource
    return found


def _from_earlier_case(earlier: Case) -> dict[str, Any]:
    return {
        "status": Status.RESOLVED,
        "provenance": {
            "kind": "case",
            "case": earlier.number,
            "item": earlier.item.name,
            "item_en": earlier.item.name_en,
            "provider": earlier.department.name,
            "provider_en": earlier.department.name_en,
            "fetched_at": timezone.now().isoformat(),
        },
        "data": {"办理结果": earlier.item.result_name, "办件编号": earlier.number},
        "resolution_note": "",
    }


def _from_result(resource: DataResource, result: QueryResult) -> dict[str, Any]:
    if result.ok:
        return {
            "status": Status.RESOLVED,
            "provenance": {
                "kind": "exchange",
                "resource": resource.code,
                "resource_name": resource.name,
                "resource_name_en": resource.name_en,
                "provider": resource.provider.name,
                "provider_en": resource.provider.name_en,
                "fetched_at": timezone.now().isoformat(),
                "access_id": result.log_id,
            },
            "data": {result.labels[name]: value for name, value in result.record.items()},
            "resolution_note": "",
        }
    reason = {
        "denied": "办理部门暂未获得该数据的共享授权",
        "invalid_subject": "申请人的主体标识无效，无法查询",
        "no_record": f"{resource.provider.name}没有您的相关记录",
        "unavailable": f"{resource.provider.name}的系统暂时无法访问",
        "invalid": f"{resource.provider.name}返回的数据无法识别",
    }.get(result.result, result.detail)
    return _unavailable(reason)


def _unavailable(reason: str) -> dict[str, Any]:
    return {
        "status": Status.UNAVAILABLE,
        "provenance": {},
        "data": {},
        "resolution_note": reason[:300],
    }


def _resolve_all(case: Case, materials: list[Material]) -> dict[int, dict[str, Any]]:
    """The row fields for each material: earlier cases first, then one batch of queries to
    the exchange for the rest."""
    outcome: dict[int, dict[str, Any]] = {}
    for material in materials:
        if material.source == Material.Source.ITEM_OUTPUT:
            earlier = _earlier_result(case, material)
            if earlier is not None:
                outcome[material.pk] = _from_earlier_case(earlier)
    remaining = [m for m in materials if m.pk not in outcome]
    resources = resources_for(remaining) if remaining else {}
    asked: list[tuple[Material, DataResource]] = []
    for material in remaining:
        resource = resources.get(material.pk)
        key = _subject_key(case, resource) if resource is not None else None
        if resource is None:
            outcome[material.pk] = _unavailable("数据资源目录中暂无此材料的来源")
        elif key is None:
            outcome[material.pk] = _unavailable(
                "缺少查询所需的主体标识（身份证号或统一社会信用代码）"
            )
        else:
            asked.append((material, resource))
    if asked:
        results = exchange_query_many(
            consumer=case.department,
            requests=[
                QueryRequest(
                    resource,
                    str(_subject_key(case, resource)),
                    said(
                        gettext_noop("办理“{item}”免提交“{material}”"),
                        item=case.item,
                        material=material,
                    ),
                )
                for material, resource in asked
            ],
            case_id=case.pk,
            case_label=case_label(case),
        )
        for (material, resource), result in zip(asked, results, strict=True):
            outcome[material.pk] = _from_result(resource, result)
    for material in materials:
        fields = outcome.get(material.pk)
        if fields is not None:
            fields["flags"] = material.data_flags(fields.get("data") or {})
    return outcome


def material_rows_write(
    case: Case,
    existing: dict[int, CaseMaterial],
    changes: list[tuple[Material, dict[str, Any]]],
) -> None:
    """Update the rows that exist and insert the others in one statement."""
    new = []
    for material, fields in changes:
        row = existing.get(material.pk)
        if row is None:
            new.append(CaseMaterial(case=case, material=material, **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
    CaseMaterial.objects.bulk_create(new)


def materials_to_obtain(case: Case, materials: Iterable[Material]) -> list[Material]:
    """Which of `materials` the platform has still to obtain for the case (one light read)."""
    return _pending(case, list(materials))[1]


def _pending(
    case: Case, materials: list[Material]
) -> tuple[dict[int, CaseMaterial], list[Material]]:
    existing = {row.material_id: row for row in CaseMaterial.objects.filter(case=case)}
    todo = [
        m
        for m in materials
        if m.source != Material.Source.APPLICANT
        and (m.pk not in existing or existing[m.pk].status in PENDING)
    ]
    return existing, todo


# see decisions 11 and 33
def materials_resolve(case: Case, materials: Iterable[Material], *, new: bool = False) -> int:
    """Obtain every platform-sourced material not yet obtained; returns how many were.
    A transaction (the writer lock on SQLite) is opened only when there is something to do;
    inside it the case row is locked and the rows read again, so two requests for the same
    draft never fetch twice or insert the same row. A case created in the caller's open
    transaction (`new`) has no rows and no other reader yet: nothing to read or lock."""
    materials = list(materials)
    if new:
        todo = [m for m in materials if m.source != Material.Source.APPLICANT]
        if not todo:
            return 0
        return _obtain(case, {}, todo)
    if not _pending(case, materials)[1]:
        return 0
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).exists()
        existing, todo = _pending(case, materials)
        if not todo:
            return 0
        return _obtain(case, existing, todo)


def _obtain(case: Case, existing: dict[int, CaseMaterial], todo: list[Material]) -> int:
    outcome = _resolve_all(case, todo)
    material_rows_write(case, existing, [(m, outcome[m.pk]) for m in todo])
    return sum(1 for f in outcome.values() if f["status"] == Status.RESOLVED)


# A registry or certificate record that no longer stands (the status words the providers use).
LAPSED_STATUS = {"注销", "吊销", "撤销", "撤回", "失效", "已注销", "已吊销", "已撤销", "已失效"}


def record_in_force(record: dict[str, Any]) -> bool:
    """A fetched record still stands: not struck off, revoked or expired."""
    if str(record.get("status", "")).strip() in LAPSED_STATUS:
        return False
    until = str(record.get("valid_until", "")).strip()
    return not (until[:10] and until[:10] < timezone.localdate().isoformat())


def results_held(
    *,
    codes: list[str],
    applicant: User,
    enterprise: Enterprise | None,
    consumer: Department,
    purpose: str,
) -> dict[str, dict[str, Any]]:
    """Which of the items (by basic code) the subject already holds a result of that is in
    force: a granted earlier case on this platform, or a record of the certificate or
    registry the item issues, asked through the exchange (a logged access, `purpose` told).
    Each with where it was found; an exchange that cannot answer holds nothing."""
    held: dict[str, dict[str, Any]] = {}
    earlier = Case.objects.filter(
        item__basic_code__in=codes, state__in=RESULT_STATES, decision=Decision.GRANT
    )
    if enterprise is not None:
        earlier = earlier.filter(enterprise=enterprise)
    else:
        earlier = earlier.filter(applicant=applicant, enterprise__isnull=True)
    for case in earlier.select_related("item", "department").order_by("pk"):
        held[case.item.basic_code] = {
            "kind": "case",
            "result": case.item.result_name,
            "case": case.number,
            "provider": case.department.name,
        }
    resources = DataResource.objects.filter(
        issued_by_item__in=[c for c in codes if c not in held], active=True
    ).select_related("provider")
    asked: list[tuple[DataResource, str]] = []
    for resource in resources:
        if resource.subject_kind == SubjectKind.ENTERPRISE:
            key = enterprise.uscc if enterprise is not None else ""
        else:
            key = (applicant.id_number or "") if enterprise is None else ""
        if key:
            asked.append((resource, key))
    if not asked:
        return held
    results = exchange_query_many(
        consumer=consumer,
        requests=[QueryRequest(resource, key, purpose) for resource, key in asked],
    )
    for (resource, _), result in zip(asked, results, strict=True):
        if result.ok and record_in_force(result.record):
            held[resource.issued_by_item] = {
                "kind": "exchange",
                "result": resource.name,
                "resource": resource.code,
                "provider": resource.provider.name,
                "access_id": result.log_id,
            }
    return held
