"""Revealing an application's personal information (the applicant's ID number and phone, and
the form's ID-number, phone and address fields) to staff whose role needs it: each reveal is
an audited action with its reason, and every other reading is masked."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.catalog.selectors import item_version
from tongban.core.audit import audit_log
from tongban.core.errors import PermissionDenied, ValidationError
from tongban.forms.personal import personal_keys
from tongban.forms.services import item_form


def case_personal_may_reveal(viewer: User, case: Case) -> bool:
    return bool(viewer.has_perm("accounts.view_personal_info", case.applicant))


@transaction.atomic
def case_personal_reveal(*, viewer: User, case: Case, reason: str) -> dict[str, Any]:
    """The applicant's full ID number and phone, for a viewer whose role needs them; the
    reading, with its reason and the form fields it unmasks, goes into the audit chain."""
    if not case_personal_may_reveal(viewer, case):
        raise PermissionDenied("无权查看完整个人信息")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["查看完整个人信息须说明事由"]})
    fields = sorted(personal_keys(item_form(item_version(case.item_id))) & set(case.form_data))
    audit_log(
        action="personal_info.reveal",
        obj=case,
        changes={
            "subject": [None, case.applicant_id],
            "fields": [None, ["id_number", "phone", *(f"form.{f}" for f in fields)]],
            "reason": [None, reason[:300]],
        },
    )
    applicant = case.applicant
    return {"id_number": applicant.id_number or "", "phone": applicant.phone}
