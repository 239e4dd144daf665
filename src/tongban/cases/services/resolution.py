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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.cases.models import Case, CaseMaterial, CaseState, Decision
from tongban.catalog.models import Material
from tongban.exchange.models import DataResource, SubjectKind
from tongban.exchange.services.query import AccessDenied, exchange_query

Status = CaseMaterial.Status
PENDING = {Status.TO_RESOLVE, Status.UNAVAILABLE}


def case_label(case: Case) -> str:
    return case.number or f"申请{case.pk}"


def _subject_key(case: Case, resource: DataResource) -> str | None:
    if resource.subject_kind == SubjectKind.ENTERPRISE:
        return case.enterprise.uscc if case.enterprise is not None else None
    return case.applicant.id_number or None


def _earlier_result(case: Case, material: Material) -> Case | None:
    """The newest completed, approved case of the producing item for the same subject."""
    earlier = Case.objects.filter(
        item__basic_code=material.source_ref,
        state=CaseState.COMPLETED,
        decision=Decision.GRANT,
    ).exclude(pk=case.pk)
    if case.enterprise_id:
        earlier = earlier.filter(enterprise_id=case.enterprise_id)
    else:
        earlier = earlier.filter(applicant_id=case.applicant_id, enterprise__isnull=True)
    return earlier.select_related("item", "department").order_by("-pk").first()


def _resource_for(material: Material) -> DataResource | None:
    resources = DataResource.objects.select_related("provider").prefetch_related("fields")
    if material.source == Material.Source.ITEM_OUTPUT:
        return resources.filter(issued_by_item=material.source_ref, active=True).first()
    return resources.filter(code=material.source_ref).first()


def _resolve_one(case: Case, material: Material) -> dict[str, Any]:
    """The row's fields after trying to obtain the material."""
    if material.source == Material.Source.ITEM_OUTPUT:
        earlier = _earlier_result(case, material)
        if earlier is not None:
            return {
                "status": Status.RESOLVED,
                "provenance": {
                    "kind": "case",
                    "case": earlier.number,
                    "item": earlier.item.name,
                    "provider": earlier.department.name,
                    "fetched_at": timezone.now().isoformat(),
                },
                "data": {"办理结果": earlier.item.result_name, "办件编号": earlier.number},
                "resolution_note": "",
            }
    resource = _resource_for(material)
    if resource is None:
        return _unavailable("数据资源目录中暂无此材料的来源")
    key = _subject_key(case, resource)
    if key is None:
        return _unavailable("缺少查询所需的主体标识（身份证号或统一社会信用代码）")
    try:
        result = exchange_query(
            consumer=case.department,
            resource=resource,
            subject_key=key,
            purpose=f"办理“{case.item.name}”免提交“{material.name}”",
            case_id=case.pk,
            case_label=case_label(case),
        )
    except AccessDenied:
        return _unavailable("办理部门暂未获得该数据的共享授权")
    except ValidationError:
        return _unavailable("申请人的主体标识无效，无法查询")
    if not result.ok:
        reason = {
            "no_record": f"{resource.provider.name}没有您的相关记录",
            "unavailable": f"{resource.provider.name}的系统暂时无法访问",
            "invalid": f"{resource.provider.name}返回的数据无法识别",
        }.get(result.result, result.detail)
        return _unavailable(reason)
    return {
        "status": Status.RESOLVED,
        "provenance": {
            "kind": "exchange",
            "resource": resource.code,
            "resource_name": resource.name,
            "provider": resource.provider.name,
            "fetched_at": timezone.now().isoformat(),
            "access_id": result.log_id,
        },
        "data": {result.labels[name]: value for name, value in result.record.items()},
        "resolution_note": "",
    }


def _unavailable(reason: str) -> dict[str, Any]:
    return {
        "status": Status.UNAVAILABLE,
        "provenance": {},
        "data": {},
        "resolution_note": f"{reason}，请上传此材料"[:300],
    }


@transaction.atomic
def materials_resolve(case: Case, materials: Iterable[Material]) -> int:
    """Obtain every platform-sourced material not yet obtained; returns how many were."""
    existing = {row.material_id: row for row in CaseMaterial.objects.filter(case=case)}
    resolved = 0
    new = []
    for material in materials:
        if material.source == Material.Source.APPLICANT:
            continue
        row = existing.get(material.pk)
        if row is not None and row.status not in PENDING:
            continue
        fields = _resolve_one(case, material)
        resolved += fields["status"] == Status.RESOLVED
        if row is None:
            new.append(CaseMaterial(case=case, material=material, **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
    CaseMaterial.objects.bulk_create(new)
    return resolved
