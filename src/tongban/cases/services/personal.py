"""Revealing an application's personal information (the applicant's ID number and phone, and
the form's ID-number, phone and address fields) to staff whose role needs it: each reveal is
an audited action with its reason, and every other reading is masked."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.selectors import case_search
from tongban.catalog.selectors import item_version
from tongban.core.audit import audit_log
from tongban.core.errors import PermissionDenied, ValidationError
from tongban.core.ids import id_digest, looks_like_id_number
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


SEARCH_LIMIT = 50
SEARCH_HINT = "请输入至少2个字的办件编号、姓名、身份证号、信用代码或事项名称"


@transaction.atomic
def case_find(*, viewer: User, query: str) -> list[Case]:
    """The cases a staff member's search box finds (`selectors.case_search`), at most 50. A
    search that looks a person up (an ID number or a name) is a reading of personal
    information: it goes into the audit chain with what it found, never with the number."""
    text = " ".join((query or "").split())
    if len(text) < 2:
        raise ValidationError(
            {"q": ["请输入至少2个字的办件编号、姓名、身份证号、信用代码或事项名称"]}
        )
    found = list(case_search(viewer, text)[:SEARCH_LIMIT])
    # A person looked up: by an ID number, or by the name of an applicant it found (an item's
    # name or a case number reads nobody's personal information).
    by_number = looks_like_id_number(text)
    by_name = any(c.applicant.real_name == text for c in found)
    if found and (by_number or by_name):
        audit_log(
            action="cases.search",
            object_type="cases.case",
            changes={
                "query": [None, id_digest(text)[:16] if text.isascii() else "（姓名）"],
                "found": [None, [c.pk for c in found]],
            },
        )
    return found
