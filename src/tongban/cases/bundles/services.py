"""一件事: one application over a bundle's items. Starting it creates the parent case and a
draft child case per applying item (each fetching what the platform can obtain); submitting
checks one merged form and one material list for all of them at once, then dispatches every
child whose dependencies are met to its department, and the others as soon as the results
they wait for are produced. A child is an ordinary case: its department's correction request,
decision or clock touch no other child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import Enterprise, User
from tongban.cases.bundles.forms import MergedForm, merge_forms
from tongban.cases.bundles.models import BundleCase, BundleCaseState, BundleNumberCounter
from tongban.cases.bundles.progress import bundle_children, bundle_dispatch
from tongban.cases.models import Case, Channel
from tongban.cases.services.events import case_event
from tongban.cases.services.followers import case_transition_publish
from tongban.cases.services.resolution import results_held
from tongban.cases.services.submission import (
    _attach_all,
    case_save_draft,
    form_material,
    materials_applicable,
    materials_check,
)
from tongban.catalog.bundles import item_choices
from tongban.catalog.models import Bundle, Material
from tongban.catalog.selectors import item_version
from tongban.catalog.services.bundles import BundleGuide, bundle_guide, bundle_items
from tongban.core.audit import audit_log
from tongban.core.texts import said
from tongban.forms.schema import SchemaError


def _number_next(day: dt.date) -> str:
    BundleNumberCounter.objects.bulk_create([BundleNumberCounter(day=day)], ignore_conflicts=True)
    counter = BundleNumberCounter.objects.select_for_update().get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.CASE_NUMBER_PREFIX}YJ{day:%Y%m%d}{counter.last:04d}"


def bundle_case_guide(bundle_case: BundleCase) -> BundleGuide:
    return bundle_guide(bundle_case.bundle, bundle_case.choices, bundle_case.held)


def bundle_held(
    bundle: Bundle, applicant: User, enterprise: Enterprise | None
) -> dict[str, dict[str, Any]]:
    """The bundle's items whose result the applicant (or the enterprise) already holds,
    asked in the lead department's name."""
    return results_held(
        codes=bundle_items(bundle),
        applicant=applicant,
        enterprise=enterprise,
        consumer=bundle.lead_department,
        purpose=said(
            gettext_noop("申请“{bundle}”：核验申请人已持有的办理结果，免于重复办理"),
            bundle=bundle,
        ),
    )


def bundle_case_form(bundle_case: BundleCase, guide: BundleGuide | None = None) -> MergedForm:
    guide = guide or bundle_case_guide(bundle_case)
    return merge_forms([(i.key, item) for i, item in guide.items], bundle_case.bundle.name)


def bundle_form_materials(children: list[Case], guide: BundleGuide) -> set[str]:
    """The materials of the one list that the merged form stands for: an application form
    every part using it fills online (`form_material`), never asked as an upload."""
    by_form = {c.bundle_key: form_material(item_version(c.item_id)) for c in children}
    return {
        m.name
        for m in guide.materials
        if m.items and all(by_form.get(k) == m.name for k in m.items)
    }


def bundle_uploads(
    parent: BundleCase, numbered: Mapping[int, UploadedFile]
) -> dict[str, UploadedFile]:
    """Uploads posted as `m_<n>`, the n-th material of the 一件事's one list, by name."""
    names = [m.name for m in bundle_case_guide(parent).materials]
    if wrong := [n for n in numbered if n >= len(names)]:
        raise ValidationError(
            {f"m_{n}": ["没有这个序号的材料（见一件事的材料清单）"] for n in sorted(wrong)}
        )
    return {names[n]: upload for n, upload in numbered.items()}


def _check_choices(guide: BundleGuide, choices: Mapping[str, str]) -> dict[str, list[str]]:
    """Every chosen situation must be one the bundle asks (for the items these choices make
    apply), with one of its options."""
    known = {code: {o for o, _ in options} for code, _, options in guide.asked}
    errors: dict[str, list[str]] = {}
    for code, option in choices.items():
        if code not in known:
            errors[f"situations.{code}"] = ["该一件事没有此情形"]
        elif option not in known[code]:
            errors[f"situations.{code}"] = [f"选项“{option}”无效"]
    return errors


@transaction.atomic
def bundle_start(
    *,
    actor: User,
    bundle: Bundle,
    applicant: User,
    idempotency_key: str,
    enterprise: Enterprise | None = None,
    choices: Mapping[str, str] | None = None,
    channel: str = Channel.ONLINE,
) -> BundleCase:
    """The parent case and a draft child per applying item; what the platform can obtain is
    fetched for each, so the applicant is asked only for the rest. A retry with the same key
    returns the first."""
    key = idempotency_key.strip()
    if not key or len(key) > 48:
        raise ValidationError({"idempotency_key": ["幂等键必填，最长48个字符"]})
    existing = BundleCase.objects.filter(created_by=actor, idempotency_key=key).first()
    if existing is not None:
        return existing
    if not bundle.active:
        raise ValidationError({"bundle": ["该一件事已停用"]})
    chosen = dict(choices or {})
    held = bundle_held(bundle, applicant, enterprise)
    guide = bundle_guide(bundle, chosen, held)
    if errors := _check_choices(guide, chosen):
        raise ValidationError(errors)
    if not guide.items:
        raise ValidationError({"bundle": ["您已持有该一件事全部事项的办理结果，无需再申请"]})
    try:
        with transaction.atomic():
            parent = BundleCase.objects.create(
                bundle=bundle,
                applicant=applicant,
                enterprise=enterprise,
                created_by=actor,
                channel=channel,
                idempotency_key=key,
                choices=guide.choices,
                held={i.item: {**found, "item": item.name} for i, item, found in guide.skipped},
                serial_days=guide.plan.serial_days,
                critical_days=guide.plan.critical_days,
            )
    except IntegrityError:
        return BundleCase.objects.get(created_by=actor, idempotency_key=key)
    for spec, item in guide.items:
        child = case_save_draft(
            actor=actor,
            code=item.code,
            applicant=applicant,
            enterprise=enterprise,
            channel=channel,
            idempotency_key=f"{key}:{spec.key}",
            situations=item_choices(item, guide.choices),
            resolve=not spec.requires,
        )
        Case.objects.filter(pk=child.pk).update(
            bundle_case=parent, bundle_key=spec.key, waiting_for=list(spec.requires)
        )
    audit_log(
        action="bundle_case.start",
        obj=parent,
        changes={
            "bundle": bundle.code,
            "items": [s.key for s, _ in guide.items],
            "held": [s.key for s, _, _ in guide.skipped],
        },
    )
    return parent


def _produced_inside(guide: BundleGuide) -> set[str]:
    return {item.basic_code for _, item in guide.items}


def bundle_check(
    parent: BundleCase,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile],
    guide: BundleGuide,
    merged: MergedForm,
) -> tuple[dict[str, dict[int, UploadedFile]], dict[str, list[str]]]:
    """Each child's uploads, and every problem of the merged form and material list, named
    once: `form.<key>` and `materials.<material name>`. Nothing is written."""
    known = {f.key for f in merged.schema.fields}
    errors: dict[str, list[str]] = {}
    for field in data:
        if field not in known:
            errors[f"form.{field}"] = ["一件事表单中没有此字段"]
    split = merged.split(data)
    produced = _produced_inside(guide)
    names = {m.name for m in guide.materials}
    for name in files:
        if name not in names:
            errors[f"materials.{name}"] = ["该材料不属于本一件事的当前情形"]
    uploads: dict[str, dict[int, UploadedFile]] = {}
    for key, child in bundle_children(parent).items():
        child.item = item_version(child.item_id)
        child.form_data = split.get(key, {})
        applicable = materials_applicable(child)
        by_pk = {m.pk: m for m in applicable}
        mine = {m.pk: files[m.name] for m in applicable if m.name in files}
        uploads[key] = mine
        _, problems = materials_check(child, mine)
        for field, messages in problems.items():
            if field.startswith("materials."):
                material = by_pk.get(int(field.split(".", 1)[1]))
                if material is None:
                    continue
                if material.source == Material.Source.ITEM_OUTPUT and (
                    material.source_ref in produced
                ):
                    continue  # made inside the bundle: resolved when its producer is done
                errors.setdefault(f"materials.{material.name}", messages)
            else:
                errors.setdefault(field, messages)
    return uploads, errors


def bundle_submit(
    *,
    parent: BundleCase,
    actor: User,
    data: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
    extras: Mapping[str, Any] | None = None,
) -> BundleCase:
    """Submit the whole 一件事 once: everything checked first, then every child stored, and
    those without dependencies dispatched to their departments at once. `extras` (the
    delivery choice) reach each child's lifecycle followers with the submission; a
    follower's refusal refuses the whole submission."""
    if actor.pk not in (parent.created_by_id, parent.applicant_id):
        raise PermissionDenied("只有申请人可以提交")
    if parent.state != BundleCaseState.DRAFT:
        return parent  # a retried submit returns the case as the first one left it
    guide = bundle_case_guide(parent)
    try:
        merged = bundle_case_form(parent, guide)
    except SchemaError as exc:
        raise ValidationError({"form": list(exc.problems)}) from exc
    uploads, errors = bundle_check(parent, data, files or {}, guide, merged)
    if errors:
        raise ValidationError(errors)
    split = merged.split(data)
    with transaction.atomic():
        parent = BundleCase.objects.select_for_update().get(pk=parent.pk)
        if parent.state != BundleCaseState.DRAFT:
            return parent
        now = timezone.now()
        parent.state = BundleCaseState.IN_PROGRESS
        parent.form_data = dict(data)
        parent.submitted_at = now
        parent.number = _number_next(timezone.localdate(now))
        parent.save()
        for key, child in bundle_children(parent).items():
            child.item = item_version(child.item_id)
            child.form_data = split.get(key, {})
            _attach_all(child, materials_applicable(child), uploads.get(key, {}))
            child.save(update_fields=["form_data"])
            note = said(
                gettext_noop("随“{bundle}”（{number}）一并提交"),
                bundle=parent.bundle,
                number=parent.number,
            )
            case_event(child, actor=actor, action="bundle_submit", note=note)
            # Not a change of state: the followers learn what came with the submission.
            case_transition_publish(
                child,
                actor=actor,
                action="bundle_submit",
                from_state=child.state,
                note=note,
                data=dict(extras or {}),
            )
        audit_log(
            action="bundle_case.submit",
            obj=parent,
            changes={"number": parent.number, "state": ["draft", parent.state]},
        )
    bundle_dispatch(parent)
    return parent
