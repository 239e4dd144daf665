"""Resources in the catalog, and grants: requested by a consuming department's data steward,
approved or refused by the provider's, revocable by either; unconditional resources are
granted on request (still recorded and audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Department, User
from tongban.core.audit import audit_log
from tongban.exchange.models import AccessGrant, DataResource, ResourceField, SharingClass

MAX_GRANT_DAYS = 3 * 366


@transaction.atomic
def resource_define(
    *, code: str, provider: Department, fields: Iterable[Mapping[str, Any]], **attrs: Any
) -> DataResource:
    """Create or update a resource and its fields (catalog import and the demo city)."""
    resource, created = DataResource.objects.update_or_create(
        code=code, defaults={"provider": provider, **attrs}
    )
    keep = []
    for order, spec in enumerate(fields):
        field, _ = ResourceField.objects.update_or_create(
            resource=resource, code=spec["code"], defaults={**spec, "order": order}
        )
        keep.append(field.pk)
    resource.fields.exclude(pk__in=keep).delete()
    audit_log(
        action="exchange.resource.define",
        obj=resource,
        changes={"created": created, "fields": [f["code"] for f in fields]},
    )
    return resource


def _validate_request(
    resource: DataResource, purpose: str, fields: list[str], clear: list[str], until: dt.date
) -> None:
    errors: dict[str, list[str]] = {}
    if not purpose.strip():
        errors["purpose"] = ["请说明使用目的"]
    known = set(resource.fields.values_list("code", flat=True))
    if not fields:
        errors["fields"] = ["请至少选择一个字段"]
    elif unknown := [f for f in fields if f not in known]:
        errors["fields"] = [f"资源没有这些字段：{'、'.join(unknown)}"]
    if extra := [f for f in clear if f not in fields]:
        errors["clear_fields"] = [f"不遮蔽字段须在申请字段内：{'、'.join(extra)}"]
    if until <= timezone.localdate():
        errors["valid_until"] = ["有效期须晚于今天"]
    elif (until - timezone.localdate()).days > MAX_GRANT_DAYS:
        errors["valid_until"] = ["授权有效期最长三年"]
    if resource.sharing_class == SharingClass.NOT_SHARED:
        errors["resource"] = [f"“{resource.name}”为不予共享资源"]
    elif not resource.active:
        errors["resource"] = [f"“{resource.name}”已停用"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grant_request(
    *,
    actor: User,
    resource: DataResource,
    consumer: Department,
    purpose: str,
    fields: list[str],
    valid_until: dt.date,
    clear_fields: list[str] | None = None,
) -> AccessGrant:
    if not actor.has_perm("exchange.request_grant", consumer):
        raise PermissionDenied("只有本部门的数据管理员可以申请共享授权")
    clear = list(clear_fields or [])
    _validate_request(resource, purpose, fields, clear, valid_until)
    unconditional = resource.sharing_class == SharingClass.UNCONDITIONAL
    grant = AccessGrant.objects.create(
        resource=resource,
        consumer=consumer,
        purpose=purpose.strip(),
        fields=list(dict.fromkeys(fields)),
        clear_fields=clear,
        valid_until=valid_until,
        requested_by=actor,
        state=AccessGrant.State.APPROVED if unconditional else AccessGrant.State.REQUESTED,
        decided_at=timezone.now() if unconditional else None,
        decision_note="无条件共享资源，申请即授权" if unconditional else "",
    )
    audit_log(
        action="exchange.grant.request",
        obj=grant,
        changes={
            "resource": resource.code,
            "consumer": consumer.code,
            "fields": grant.fields,
            "state": grant.state,
        },
    )
    return grant


def _locked(grant: AccessGrant) -> AccessGrant:
    return (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("resource")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_decide(*, actor: User, grant: AccessGrant, approve: bool, note: str = "") -> AccessGrant:
    grant = _locked(grant)
    if not actor.has_perm("exchange.decide_grant", grant):
        raise PermissionDenied("只有提供部门的数据管理员可以审核")
    if grant.state != AccessGrant.State.REQUESTED:
        raise ValidationError({"state": [f"授权当前为“{grant.get_state_display()}”，不能审核"]})
    if not approve and not note.strip():
        raise ValidationError({"note": ["拒绝须说明理由"]})
    grant.state = AccessGrant.State.APPROVED if approve else AccessGrant.State.REFUSED
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.decision_note = note.strip()[:300]
    grant.save()
    audit_log(
        action="exchange.grant.decide",
        obj=grant,
        changes={"state": [AccessGrant.State.REQUESTED, grant.state], "note": grant.decision_note},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: User, grant: AccessGrant, reason: str) -> AccessGrant:
    grant = _locked(grant)
    if not actor.has_perm("exchange.revoke_grant", grant):
        raise PermissionDenied("只有提供或使用部门的数据管理员可以撤销授权")
    if grant.state != AccessGrant.State.APPROVED:
        raise ValidationError({"state": [f"授权当前为“{grant.get_state_display()}”，不能撤销"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请说明撤销理由"]})
    grant.state = AccessGrant.State.REVOKED
    grant.revoked_at = timezone.now()
    grant.decision_note = reason.strip()[:300]
    grant.save()
    audit_log(
        action="exchange.grant.revoke",
        obj=grant,
        changes={"state": [AccessGrant.State.APPROVED, grant.state], "reason": grant.decision_note},
    )
    return grant
