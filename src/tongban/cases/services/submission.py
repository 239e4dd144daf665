"""Application → case: a draft saved with its idempotency key, then submitted once complete.

A submission that is incomplete fails with every problem named by field and leaves the draft
as it was. Agents need the applicant's delegation; clerks may start a case at any window.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.accounts.models import Enterprise, Role, User
from tongban.cases.models import Case, CaseMaterial, CaseState, Channel, Decision, Visit
from tongban.cases.selectors import delegation_active
from tongban.cases.services.events import case_event
from tongban.cases.services.followers import case_transition_publish
from tongban.cases.services.forms import case_form_prefill, form_with_locked
from tongban.cases.services.notices import case_notify_applicant
from tongban.cases.services.resolution import (
    RESULT_STATES,
    material_rows_write,
    materials_resolve,
    materials_to_obtain,
)
from tongban.cases.services.visits import visit_once
from tongban.cases.services.waivers import materials_waived
from tongban.catalog.models import Audience, Material, ServiceItem
from tongban.catalog.selectors import item_version, materials_for_choices
from tongban.core.audit import audit_log
from tongban.core.ids import normalize_id_number
from tongban.core.uploads import MAX_UPLOAD_BYTES, upload_problem
from tongban.forms.services import form_validate, item_form

MAX_FORM_BYTES = 64 * 1024
MAX_FILE_BYTES = MAX_UPLOAD_BYTES


def _check_acting_for(
    actor: User, applicant: User, item: ServiceItem, channel: str, enterprise: Any = None
) -> Any:
    """The delegation used, if any; raises PermissionDenied when the actor may not apply
    (a mandate given for one enterprise does not reach another's cases)."""
    if actor.pk == applicant.pk:
        return None
    if channel == Channel.WINDOW and actor.has_role(Role.CLERK, Role.ADMINISTRATOR):
        return None
    delegation = delegation_active(
        applicant_id=applicant.pk,
        agent_id=actor.pk,
        item_code=item.code,
        enterprise_id=enterprise.pk if enterprise is not None else None,
    )
    if delegation is None or not actor.has_role(Role.AGENT):
        raise PermissionDenied("没有申请人对该事项的有效委托授权")
    return delegation


def applicant_by_id_number(*, actor: User, id_number: str, channel: str) -> User:
    """The person an application is made for, by ID number. Only the window (a clerk or an
    administrator applying at a counter) may learn that a number is not registered; anyone
    else gets the answer an unauthorised delegation gets, so numbers cannot be probed."""
    found = User.objects.filter(id_number=normalize_id_number(id_number)).first()
    if found is not None:
        return found
    if channel == Channel.WINDOW and actor.has_role(Role.CLERK, Role.ADMINISTRATOR):
        raise ValidationError({"applicant_id_number": ["未找到该身份证号码对应的申请人"]})
    raise PermissionDenied("没有申请人对该事项的有效委托授权")


def _validate_situations(item: ServiceItem, situations: Mapping[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = {s.code: {o.code for o in s.options.all()} for s in item.situations.all()}
    for code, option in situations.items():
        if code not in known:
            errors[f"situations.{code}"] = ["该事项没有此情形"]
        elif option not in known[code]:
            errors[f"situations.{code}"] = [f"选项“{option}”无效"]
    for code in known:
        if code not in situations:
            errors[f"situations.{code}"] = ["请选择情形"]
    return errors


def _validate_form(form_data: Any) -> dict[str, list[str]]:
    if not isinstance(form_data, dict):
        return {"form_data": ["表单数据应为对象"]}
    if len(json.dumps(form_data, ensure_ascii=False).encode()) > MAX_FORM_BYTES:
        return {"form_data": ["表单数据过大"]}
    return {}


def _check_upload(material: Material, upload: UploadedFile) -> list[str]:
    errors = []
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        errors.append(f"文件不得超过{MAX_FILE_BYTES // (1024 * 1024)}MB")
    elif problem := upload_problem(upload):  # the bytes decide, not the name or the type
        errors.append(problem)
    return errors


def _store(case: Case, material: Material, upload: UploadedFile) -> dict[str, Any]:
    """Write the file to storage and return the row's fields (digest, names)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    row = CaseMaterial(case=case, material=material)
    name = row.file.field.generate_filename(row, upload.name or f"material-{material.pk}")
    stored = row.file.storage.save(name, upload, max_length=row.file.field.max_length)
    return {
        "status": CaseMaterial.Status.PROVIDED,
        "file": stored,
        "file_name": (upload.name or "")[:200],
        "sha256": digest.hexdigest(),
        "correction_note": "",
    }


def _attach(case: Case, material: Material, upload: UploadedFile) -> CaseMaterial:
    row, _ = CaseMaterial.objects.update_or_create(
        case=case, material=material, defaults=_store(case, material, upload)
    )
    return row


# The row of the material the online form stands for: provided, its file the filled form (the
# case's own form PDF, rendered from the stored data on request).
FORM_PROVIDED: dict[str, Any] = {
    "status": CaseMaterial.Status.PROVIDED,
    "provenance": {"kind": "form"},
    "data": {},
    "resolution_note": "",
}


def form_material(item: ServiceItem) -> str:
    """The name of the material the item's online form stands for, or ""."""
    return item_form(item).material if item.form else ""


def _attach_all(
    case: Case, applicable: list[Material], uploads: Mapping[int, UploadedFile]
) -> None:
    """Every upload stored, in one read and at most one insert. (What the platform obtains
    already has its row: resolution ran before the submission.)"""
    existing = {row.material_id: row for row in case.materials.all()}
    changes = [(m, _store(case, m, uploads[m.pk])) for m in applicable if m.pk in uploads]
    by_form = form_material(case.item)
    changes += [
        (m, {**FORM_PROVIDED, "provenance": {"kind": "form"}})
        for m in applicable
        if by_form and m.name == by_form
    ]
    material_rows_write(case, existing, changes)


def materials_check(
    case: Case, uploads: Mapping[int, UploadedFile], extras: Mapping[str, Any] | None = None
) -> tuple[list[Material], dict[str, list[str]]]:
    """The materials that apply to the case's situations, and what is missing or invalid.
    A material the platform could not obtain is asked of the applicant like their own.
    Nothing is written: files are stored only once the whole submission is valid."""
    errors = _validate_form(case.form_data) | _validate_situations(case.item, case.situations)
    if errors:
        return [], errors
    # The item's form definition: every field checked, hidden ones dropped, values normalised;
    # its faults are reported together with the materials', in one answer.
    cleaned, errors = form_validate(case.item, case.form_data, case.situations)
    if not errors:
        case.form_data = cleaned
    applicable = materials_applicable(case, extras)
    rows = {row.material_id: row.status for row in case.materials.all()}
    notes = {row.material_id: row.resolution_note for row in case.materials.all()}
    by_form = form_material(case.item)
    for material in applicable:
        upload = uploads.get(material.pk)
        field = f"materials.{material.pk}"
        status = rows.get(material.pk)
        if material.name == by_form:
            # The application form filled online is this material: nothing to upload.
            if upload is not None:
                errors[field] = [f"“{material.name}”已在线填写，无需上传"]
            continue
        from_applicant = material.source == Material.Source.APPLICANT or status in (
            CaseMaterial.Status.UNAVAILABLE,
            CaseMaterial.Status.NEEDS_CORRECTION,
        )
        if upload is not None:
            if status == CaseMaterial.Status.RESOLVED:
                errors[field] = [f"“{material.name}”已由平台获取，无需上传"]
            elif not from_applicant and status is None:
                errors[field] = [f"“{material.name}”由平台获取，无需上传"]
            elif problems := _check_upload(material, upload):
                errors[field] = problems
        elif (
            from_applicant
            and material.requirement != Material.Requirement.OPTIONAL
            and status != CaseMaterial.Status.PROVIDED
        ):
            note = notes.get(material.pk, "")
            errors[field] = [f"请提交“{material.name}”" + (f"（{note}）" if note else "")]
    applicable_ids = {m.pk for m in applicable}
    for material_id in uploads:
        if material_id not in applicable_ids:
            errors[f"materials.{material_id}"] = ["该材料不属于本事项的当前情形"]
    return applicable, errors


def materials_applicable(case: Case, extras: Mapping[str, Any] | None = None) -> list[Material]:
    """The materials that apply to the case's situations, less those a follower waives (a
    signed 告知承诺 replaces some proofs; `extras` carry a signature being made now)."""
    waived = materials_waived(case, extras or {})
    return [m for m in materials_for_choices(case.item, case.situations) if m.pk not in waived]


@transaction.atomic
def case_save_draft(
    *,
    actor: User,
    code: str,
    applicant: User,
    idempotency_key: str,
    channel: str = Channel.ONLINE,
    enterprise: Enterprise | None = None,
    form_data: dict[str, Any] | None = None,
    situations: dict[str, str] | None = None,
    resolve: bool = True,
) -> Case:
    """Create the draft, or return the one this actor already made with this key. What the
    platform can obtain is fetched now (`resolve`), unless the case will wait (a 一件事 child
    that needs another's result fetches when it is dispatched: no department's data is read
    for a case that may never reach it)."""
    key = idempotency_key.strip()
    if not key or len(key) > 64:
        raise ValidationError({"idempotency_key": ["幂等键必填，最长64个字符"]})
    existing = Case.objects.filter(created_by=actor, idempotency_key=key).first()
    if existing is not None:
        return existing
    item = (
        ServiceItem.objects.filter(code=code, state=ServiceItem.State.PUBLISHED)
        .select_related("department")
        .first()
    )
    if item is None:
        raise ValidationError({"item": [f"事项“{code}”不存在或未发布"]})
    if channel not in Channel.values:
        raise ValidationError({"channel": ["申请渠道无效"]})
    delegation = _check_acting_for(actor, applicant, item, channel, enterprise)
    errors = _validate_form(form_data or {})
    if item.audience == Audience.ENTERPRISE and enterprise is None:
        errors["enterprise"] = ["法人事项须以企业名义申请"]
    if enterprise is not None and not enterprise.members.filter(pk=applicant.pk).exists():
        errors["enterprise"] = ["申请人不是该企业的经办人"]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                item=item,
                department=item.department,
                applicant=applicant,
                enterprise=enterprise,
                created_by=actor,
                delegation=delegation,
                channel=channel,
                idempotency_key=key,
                form_data=form_data or {},
                situations=situations or {},
            )
    except IntegrityError:  # the same key raced in from a retry: return the first case
        return Case.objects.get(created_by=actor, idempotency_key=key)
    case_event(case, actor=actor, action="draft")
    if channel == Channel.WINDOW and actor.pk != applicant.pk:
        visit_once(case, purpose=Visit.Purpose.WINDOW_APPLICATION, actor=actor)
    # What the platform can obtain is fetched now, so the applicant is asked only for the rest.
    case.item = item_version(item.pk)
    if resolve:
        materials_resolve(case, materials_applicable(case), new=True)
    audit_log(
        action="case.draft",
        obj=case,
        changes={"item": [None, item.code], "applicant": [None, applicant.pk]},
    )
    if not item_form(case.item).empty:
        # The form is prefilled once, here, where the draft is made: never by a page's GET.
        case = case_form_prefill(case=case, actor=actor, new=True)
    return case


def _may_submit(case: Case, actor: User) -> bool:
    window_clerk = case.channel == Channel.WINDOW and actor.has_role(Role.CLERK)
    return bool(actor.has_perm("cases.act_as_applicant", case) or window_clerk)


def _resolve_pending(
    case: Case, actor: User, situations: dict[str, str] | None, uploads: Mapping[int, Any]
) -> None:
    """Fetch what the platform can obtain for the situations now chosen, in its own
    transaction (every access stays logged even if the submission is then refused). Only for
    someone allowed to submit this draft, and not for materials being uploaded right now."""
    if case.state != CaseState.DRAFT or not _may_submit(case, actor):
        return
    item = item_version(case.item_id)
    if situations is not None and _validate_situations(item, situations):
        return  # the submission reports the bad situation; nothing is fetched for it
    chosen = situations if situations is not None else case.situations
    wanted = [
        m
        for m in materials_for_choices(item, chosen)
        if m.source != Material.Source.APPLICANT and m.pk not in uploads
    ]
    # One light read decides; the case is loaded for fetching only when something is missing.
    if wanted and materials_to_obtain(case, wanted):
        fresh = Case.objects.select_related("applicant", "enterprise", "department").get(pk=case.pk)
        fresh.item = item
        materials_resolve(fresh, wanted)


def case_submit(
    *,
    case: Case,
    actor: User,
    situations: dict[str, str] | None = None,
    form_data: dict[str, Any] | None = None,
    files: Mapping[int, UploadedFile] | None = None,
    extras: Mapping[str, Any] | None = None,
) -> Case:
    """Attach materials and submit; every missing or invalid field is reported at once.
    `extras` are what the followers of the submission take from the same form (the delivery
    choice); they travel with the transition, and a follower's refusal refuses the submit."""
    uploads = dict(files or {})
    _check_shapes(situations, form_data)
    _check_not_waiting(case)
    _resolve_pending(case, actor, situations, uploads)
    return _submit(case, actor, situations, form_data, uploads, dict(extras or {}))


def _check_shapes(situations: Any, form_data: Any) -> None:
    """Situations are an object of option codes by situation code, the form an object: any
    other shape (a list, a number) is refused naming the field, before anything is read."""
    errors = {}
    if situations is not None and not (
        isinstance(situations, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in situations.items())
    ):
        errors["situations"] = ["应为对象：情形编码 → 选项编码（均为文字）"]
    if form_data is not None and not isinstance(form_data, dict):
        errors["form_data"] = ["表单数据应为对象"]
    if errors:
        raise ValidationError(errors)


def _check_not_waiting(case: Case) -> None:
    """A 一件事 child goes out when what it needs from the bundle has a result (the bundle
    dispatches it); the applicant may submit it only after that, to supply what it lacked."""
    if case.bundle_case_id is None or not case.waiting_for or case.state != CaseState.DRAFT:
        return
    pending = (
        Case.objects.filter(bundle_case_id=case.bundle_case_id, bundle_key__in=case.waiting_for)
        .exclude(state__in=RESULT_STATES, decision=Decision.GRANT)
        .select_related("item")
    )
    names = "、".join(f"“{c.item.name}”" for c in pending)
    if names:
        raise ValidationError({"bundle": [f"本事项须待一件事中的{names}出结果后才能提交"]})


@transaction.atomic
def _submit(
    case: Case,
    actor: User,
    situations: dict[str, str] | None,
    form_data: dict[str, Any] | None,
    uploads: dict[int, UploadedFile],
    extras: dict[str, Any],
) -> Case:
    case = Case.objects.select_for_update().prefetch_related("materials").get(pk=case.pk)
    if case.applicant_id == actor.pk:
        case.applicant = actor  # the usual case, and no join for it
    # The item version with its situations and materials, cached per version.
    case.item = item_version(case.item_id)
    if not _may_submit(case, actor):
        raise PermissionDenied("只有申请人、受托代办员或受理窗口可以提交")
    if case.state != CaseState.DRAFT:
        return case  # a retried submit returns the case as the first one left it
    if situations is not None:
        case.situations = situations
    if form_data is not None:
        case.form_data = form_with_locked(case, form_data)
    applicable, errors = materials_check(case, uploads, extras)
    if errors:
        raise ValidationError(errors)
    _attach_all(case, applicable, uploads)
    case.submit()
    case.submitted_at = timezone.now()
    case.waiting_for = []  # a 一件事 child the applicant completed waits for nothing more
    case.save(update_fields=["state", "situations", "form_data", "submitted_at", "waiting_for"])
    case_event(case, actor=actor, action="submit", from_state=CaseState.DRAFT)
    case_notify_applicant(case, "submit")
    # The audit head row is locked from here until commit, serialising every writer.
    audit_log(action="case.submit", obj=case, changes={"state": [CaseState.DRAFT, case.state]})
    case_transition_publish(
        case,
        actor=actor,
        action="submit",
        from_state=CaseState.DRAFT,
        note="提交申请",
        data=extras,
    )
    return case
