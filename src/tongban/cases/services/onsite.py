"""Materials collected on the spot (现场收取): an inspector at the site takes a material the
case still needs and attaches it, marked as collected on site, so the applicant does not
bring or upload it. The file is checked like any upload; the step is on the case's timeline
and in the audit chain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import BEFORE_DECISION, Case, CaseMaterial
from tongban.cases.services.events import case_event
from tongban.cases.services.submission import _check_upload, _store, materials_applicable
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.texts import said

ON_SITE = "on_site"


def case_material_collect_on_site(
    *, case: Case, material_id: int, upload: UploadedFile, actor: User, where: str
) -> CaseMaterial:
    """Attach `upload` as the case's material, collected on site by `actor` (the caller
    checked the actor is an inspector assigned to this case). In the caller's transaction."""
    if case.state not in BEFORE_DECISION:
        raise Conflict("办件已作出决定，不能再收取材料")
    material = next((m for m in materials_applicable(case) if m.pk == material_id), None)
    if material is None:
        raise ValidationError({"material_id": ["该办件不需要此材料"]})
    problems = _check_upload(material, upload)
    if problems:
        raise ValidationError({"file": problems})
    fields: dict[str, Any] = _store(case, material, upload)
    fields["provenance"] = {
        "kind": ON_SITE,
        "by": actor.pk,
        "at": timezone.now().isoformat(),
        "where": where,
    }
    fields["resolution_note"] = "现场收取"
    row, _ = CaseMaterial.objects.update_or_create(case=case, material=material, defaults=fields)
    case_event(
        case,
        actor=actor,
        action="material_on_site",
        note=said(gettext_noop("现场收取材料：{material}"), material=material),
        data={"material": material.pk},
    )
    audit_log(
        action="case.material.on_site",
        obj=case,
        changes={"material": material.pk, "sha256": row.sha256},
    )
    return row


def collected_on_site(row: CaseMaterial) -> bool:
    return bool((row.provenance or {}).get("kind") == ON_SITE)
