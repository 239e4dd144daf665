"""Form use cases: the item's form (checked), reading an ID document, and the item check that
keeps a broken form from being published."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.accounts.models import DeviceIdentity, User
from tongban.catalog.checks import Finding
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.cache import cache_key, cached
from tongban.forms.idreader.reading import (
    DocumentReading,
    UnreadableDocument,
    id_readers,
    validate_reading,
)
from tongban.forms.models import RETENTION_DAYS, FilledForm
from tongban.forms.prefill import prefill_keys
from tongban.forms.schema import EMPTY, FormSchema, SchemaError, parse_schema
from tongban.forms.values import clean_data


def _item_refs(item: ServiceItem) -> tuple[dict[str, set[str]], set[str]]:
    situations = {s.code: {o.code for o in s.options.all()} for s in item.situations.all()}
    return situations, {m.name for m in item.materials.all()}


def form_schema_check(item: ServiceItem, raw: Any) -> FormSchema:
    """`raw` as a form of this item, checked against its situations, materials and the
    registered prefill sources; SchemaError names every fault."""
    situations, materials = _item_refs(item)
    return parse_schema(
        raw, situations=situations, materials=materials, prefill_keys=prefill_keys()
    )


def item_form(item: ServiceItem) -> FormSchema:
    """The item version's form. A version that is no longer a draft never changes, so its
    parsed form is kept per process (FormSchema is immutable); a draft's is parsed each time."""
    if not item.form:
        return EMPTY
    if item.state == ServiceItem.State.DRAFT or item.pk is None:
        return parse_schema(item.form)
    published = item.published_at.isoformat() if item.published_at else ""
    key = cache_key("forms.schema", item.pk, published)
    return cached(key, lambda: parse_schema(item.form), ttl=3600)


# What an application-form material is called (申请表/申请书/登记表/备案表).
APPLICATION_FORM = re.compile("申请表|申请书|登记表|备案表")


def form_item_check(item: ServiceItem) -> list[Finding]:
    """The form definition is sound, and an item that asks for an application form offers it
    online (never "print it, fill it in and upload it")."""
    try:
        schema = form_schema_check(item, item.form)
    except SchemaError as exc:
        return [Finding("form", f"申请表单：{p}", blocking=True) for p in exc.problems]
    findings = []
    for material in item.materials.all():
        if material.source != material.Source.APPLICANT:
            continue
        if APPLICATION_FORM.search(material.name) and material.name != schema.material:
            findings.append(
                Finding(
                    "form",
                    f"材料“{material.name}”是申请表，应配置在线表单（表单的 material 指向它），"
                    "而不是让申请人打印填写后上传",
                )
            )
    return findings


def form_validate(
    item: ServiceItem, data: Any, situations: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Clean a submission's form data against the item's form (errors keyed form.<key>)."""
    schema = item_form(item)
    if schema.empty:
        if data and not isinstance(data, Mapping):
            return {}, {"form_data": ["表单数据应为对象"]}
        return dict(data or {}), {}
    return clean_data(schema, data or {}, situations)


def document_read(*, reader: str, payload: object, where: str) -> DocumentReading:
    """Read an ID document with the named reader and validate every field. The read is an
    access to personal information: audited (what kind, by which reader, where), never the
    values themselves."""
    try:
        plugin = id_readers.get(reader)
    except LookupError as exc:
        raise ValidationError({"reader": [f"没有名为“{reader}”的证件读取方式"]}) from exc
    reading = validate_reading(plugin.read(payload), today=clock.localdate())
    audit_log(
        action="forms.document_read",
        object_type="forms.document",
        object_id=reading.kind,
        changes={"kind": [None, reading.kind], "reader": [None, reader], "where": [None, where]},
    )
    return reading


__all__ = ["UnreadableDocument", "document_read", "form_validate", "item_form"]


def _reference() -> str:
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a window
    return f"F{clock.localdate():%y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(5))


@transaction.atomic
def filled_form_save(
    *,
    item: ServiceItem,
    situations: Mapping[str, str],
    data: Mapping[str, Any],
    sources: Mapping[str, Any],
    device: DeviceIdentity | None,
    idempotency_key: str,
) -> FilledForm:
    """Keep a form completed at a kiosk under a reference number for the window. The whole
    form is validated as a submission would be; a retry with the same key returns the first."""
    existing = FilledForm.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    cleaned, errors = clean_data(item_form(item), data, situations)
    if errors:
        raise ValidationError(errors)
    filled = FilledForm.objects.create(
        reference=_reference(),
        item=item,
        situations=dict(situations),
        data=cleaned,
        sources=dict(sources),
        device=device,
        idempotency_key=idempotency_key,
    )
    audit_log(
        action="forms.filled_form_save",
        obj=filled,
        changes={"item": [None, item.code], "fields": [None, sorted(cleaned)]},
    )
    return filled


def filled_forms_purge() -> str:
    """Forms kept for the window are personal information: gone after the retention period."""
    cutoff = clock.now() - dt.timedelta(days=RETENTION_DAYS)
    with transaction.atomic():
        stale = FilledForm.objects.filter(created_at__lt=cutoff)
        count = stale.count()
        if count:
            stale.delete()
            audit_log(
                action="forms.filled_forms_purge",
                object_type="tbforms.filledform",
                changes={"deleted": [None, count], "before": [None, cutoff.isoformat()]},
            )
    return f"删除过期自助申请表 {count} 份"


WINDOW_ROLES = frozenset({"clerk", "hall_manager", "administrator"})


def filled_form_read(*, reader: User, reference: str) -> FilledForm | None:
    """A kiosk-filled form for the window: window staff only, and every read is audited (it
    holds the person's ID number, address and phone)."""
    if not (reader.role_set() & WINDOW_ROLES):
        raise PermissionDenied("只有窗口人员可以调取自助机填写的申请表")
    found = (
        FilledForm.objects.select_related("item__department")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if found is not None:
        audit_log(
            action="forms.filled_form_read",
            obj=found,
            changes={"reader": [None, reader.username]},
        )
    return found
