"""Materials made with the platform's own tools (the catering floor-plan maker): the tool
renders the document and attaches it to the applicant's case, marked as made and checked by
the platform, in a draft, or in 补正 when the reviewer asked for that material again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.cases.services.events import case_event
from tongban.cases.services.submission import _store, materials_applicable
from tongban.catalog.models import Material
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.texts import said

TOOL = "tool"


def tool_material(case: Case, kind_code: str) -> Material | None:
    """The case's applicable material of the dictionary entry `kind_code`, if any."""
    return next(
        (m for m in materials_applicable(case) if m.kind is not None and m.kind.code == kind_code),
        None,
    )


def case_material_from_tool(
    *,
    case: Case,
    kind_code: str,
    content: bytes,
    file_name: str,
    provenance: dict[str, Any],
    actor: User,
) -> CaseMaterial:
    """Attach the tool's document as the case's material of `kind_code`. The caller holds the
    transaction; the case is locked here."""
    locked = Case.objects.select_for_update().select_related("item").get(pk=case.pk)
    if not actor.has_perm("cases.act_as_applicant", locked):
        raise PermissionDenied("只有申请人或受托代办员可以为办件添加材料")
    material = tool_material(locked, kind_code)
    if material is None:
        raise ValidationError({"case": ["该办件当前所选情形不需要此材料"]})
    row = CaseMaterial.objects.filter(case=locked, material=material).first()
    if locked.state == CaseState.CORRECTION:
        if row is None or row.status != CaseMaterial.Status.NEEDS_CORRECTION:
            raise Conflict("该材料无需补正")
    elif locked.state != CaseState.DRAFT:
        raise Conflict("办件已提交，不能再更换材料")
    fields: dict[str, Any] = _store(
        locked, material, SimpleUploadedFile(file_name, content, content_type="application/pdf")
    )
    fields["provenance"] = {"kind": TOOL, **provenance}
    fields["resolution_note"] = "由平台工具制作并通过自动核验"
    fields["data"] = {}
    fields["flags"] = []
    saved, _ = CaseMaterial.objects.update_or_create(
        case=locked, material=material, defaults=fields
    )
    case_event(
        locked,
        actor=actor,
        action="material_tool",
        note=said(gettext_noop("用平台工具制作材料：{material}"), material=material),
        data={"material": material.pk, **provenance},
    )
    audit_log(
        action="case.material.tool",
        obj=locked,
        changes={"material": material.pk, "sha256": saved.sha256, **provenance},
    )
    return saved
