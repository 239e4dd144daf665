"""补正: the reviewer names what to fix; the applicant resubmits the same case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState, Suspension
from tongban.cases.services import clock
from tongban.cases.services.steps import CaseConflict, _locked, _step


@transaction.atomic
def case_request_correction(
    *, case: Case, actor: User, problems: Mapping[int, str], on: dt.date | None = None
) -> Case:
    """补正: name each missing or wrong material; during review the clock stops meanwhile."""
    if not problems:
        raise ValidationError({"problems": ["请列出需补正的材料及原因"]})
    locked = _locked(case)
    known = dict(locked.materials.values_list("material_id", "pk"))
    unknown = [m for m in problems if m not in known]
    if unknown:
        raise ValidationError({"problems": [f"材料{m}不属于本办件" for m in unknown]})
    day = on or clock.today()
    permission = "cases.review_case" if locked.state == CaseState.IN_REVIEW else "cases.accept_case"

    def mark(c: Case) -> None:
        c.return_state = CaseState.IN_REVIEW if c.accepted_on else CaseState.SUBMITTED
        for material_id, reason in problems.items():
            CaseMaterial.objects.filter(case=c, material_id=material_id).update(
                status=CaseMaterial.Status.NEEDS_CORRECTION, correction_note=reason.strip()[:300]
            )
        clock.clock_suspend(c, kind=Suspension.Kind.CORRECTION, reason="等待申请人补正", on=day)

    return _step(
        locked,
        actor=actor,
        permission=permission,
        transition=Case.request_correction,
        action="request_correction",
        label="要求补正",
        note="；".join(problems.values()),
        data={"materials": sorted(problems)},
        before=mark,
    )


@transaction.atomic
def case_resubmit(
    *, case: Case, actor: User, files: Mapping[int, Any], on: dt.date | None = None
) -> Case:
    """The applicant corrects the named materials; the same case goes back where it was."""
    from tongban.cases.services.submission import _attach, _check_upload

    locked = _locked(case)
    if not actor.has_perm("cases.act_as_applicant", locked):
        raise PermissionDenied("只有申请人或受托代办员可以补正")
    if locked.state != CaseState.CORRECTION:
        raise CaseConflict(locked, "补正提交")
    wanted = {
        row.material_id: row
        for row in locked.materials.filter(
            status=CaseMaterial.Status.NEEDS_CORRECTION
        ).select_related("material")
    }
    errors: dict[str, list[str]] = {}
    for material_id, row in wanted.items():
        upload = files.get(material_id)
        if upload is None:
            errors[f"materials.{material_id}"] = [f"请重新提交“{row.material.name}”"]
        elif problems := _check_upload(row.material, upload):
            errors[f"materials.{material_id}"] = problems
    for material_id in files:
        if material_id not in wanted:
            errors[f"materials.{material_id}"] = ["该材料无需补正"]
    if errors:
        raise ValidationError(errors)
    for material_id, row in wanted.items():
        _attach(locked, row.material, files[material_id])
    day = on or clock.today()

    def back(c: Case) -> None:
        clock.clock_resume(c, on=day)

    target = (
        Case.resubmit_to_review
        if locked.return_state == CaseState.IN_REVIEW
        else (Case.resubmit_to_pre_review)
    )
    return _step(
        locked,
        actor=actor,
        permission="cases.act_as_applicant",
        transition=target,
        action="resubmit",
        label="补正提交",
        before=back,
    )
