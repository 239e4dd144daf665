"""Consistency checks of the national catalogue applied to one item version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tongban.catalog.commitments import commitment_reference_problems
from tongban.catalog.inspections import inspection_reference_problems
from tongban.catalog.models import HandlingForm, ItemType, ResultType, ServiceItem
from tongban.core.registry import Registry

# The steps a licensing item must have are checked by the cases module once steps exist.


@dataclass(frozen=True)
class Finding:
    field: str
    message: str
    blocking: bool = False


# Checks that apps above the catalogue add (the forms app checks the item's form definition).
item_checks: Registry[Callable[[ServiceItem], list[Finding]]] = Registry("item check")


def item_check(item: ServiceItem) -> list[Finding]:
    """What a catalogue reviewer would flag; blocking findings stop publication."""
    findings: list[Finding] = []
    for name in item_checks.names():
        findings.extend(item_checks.get(name)(item))
    if item.promised_limit_days > item.legal_limit_days:
        findings.append(
            Finding("promised_limit_days", "承诺办结时限超过法定办结时限", blocking=True)
        )
    if item.visits_required and not item.visits_reason.strip():
        findings.append(
            Finding("visits_reason", "到现场次数不为0时，必须说明需到现场的原因", blocking=True)
        )
    if item.online_depth == 4 and item.visits_required:
        findings.append(
            Finding("online_depth", "网上办理深度为四级（全程网办）时，到现场次数应为0", True)
        )
    forms = set(item.handling_forms or [])
    if (
        item.visits_required == 0
        and HandlingForm.ONLINE not in forms
        and HandlingForm.POST not in forms
    ):
        findings.append(
            Finding("handling_forms", "零跑动事项须支持网上办理或邮寄申请", blocking=True)
        )
    if item.fee_charged and (not item.fee_basis.strip() or not item.fee_standard.strip()):
        findings.append(Finding("fee_basis", "收费事项须填写收费标准和收费依据", blocking=True))
    if item.fee_charged and not item.online_payment:
        findings.append(Finding("online_payment", "收费事项宜支持网上支付"))
    if not item.legal_bases.all() and item.item_type != ItemType.PUBLIC_SERVICE:
        findings.append(Finding("legal_bases", "行政权力事项须有设定依据", blocking=True))
    for condition in item.conditions.all():
        if condition.legal_basis_id is None:
            findings.append(
                Finding("conditions", f"受理条件“{condition.text[:30]}”没有法律依据，应予取消")
            )
    expected = _expected_result_type(item.result_name)
    if expected is not None and expected != item.result_type:
        findings.append(
            Finding(
                "result_type",
                f"办理结果“{item.result_name}”的类型应为{ResultType(expected).label}",
            )
        )
    if not item.materials.all():
        findings.append(Finding("materials", "没有列出申请材料"))
    findings += [
        Finding("inspection", problem, blocking=True)
        for problem in inspection_reference_problems(
            item.inspection,
            basis_keys=[b.key for b in item.legal_bases.all()],
            option_refs=[o.ref for s in item.situations.all() for o in s.options.all()],
        )
    ]
    findings += [
        Finding("commitment", problem, blocking=True)
        for problem in commitment_reference_problems(
            item.commitment,
            basis_keys=[b.key for b in item.legal_bases.all()],
            option_refs=[o.ref for s in item.situations.all() for o in s.options.all()],
            material_names=[m.name for m in item.materials.all()],
        )
    ]
    return findings


def _expected_result_type(result_name: str) -> str | None:
    name = result_name.strip()
    if name.endswith(("证", "证书", "执照", "许可证")):
        return ResultType.CERTIFICATE
    if name.endswith(("文", "批复", "决定书", "意见书", "通知书")):
        return ResultType.DOCUMENT
    return None
