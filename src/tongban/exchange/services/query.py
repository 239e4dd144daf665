"""A consumer's query for one subject's record: grant check, provider call, masking, and the
access log + audit record, whatever the result.

Denials are logged and then raised (403 naming the fields); "no record", "provider down" and
"garbage" are results, not errors, so a case can ask the applicant to upload instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tongban.accounts.models import Department, User
from tongban.core.audit import audit_log
from tongban.core.ids import normalize_id_number, normalize_uscc, validate_id_number, validate_uscc
from tongban.core.masking import mask
from tongban.exchange.models import (
    AccessGrant,
    AccessLog,
    DataResource,
    MaskKind,
    ResourceField,
    SubjectKind,
)
from tongban.exchange.providers import ProviderError, providers

Result = AccessLog.Result


class AccessDenied(PermissionDenied):
    """A query outside the consumer's grants; already logged when raised."""


@dataclass
class QueryResult:
    result: str
    resource: DataResource
    fields: list[str]
    record: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    detail: str = ""
    log_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.result == Result.OK


def subject_digest(subject_key: str) -> str:
    """A keyed digest of a subject's ID number or credit code: logs can be found by their
    subject without holding the key itself."""
    return salted_hmac("tongban.exchange.subject", subject_key, algorithm="sha256").hexdigest()


def subject_normalize(kind: str, subject_key: str) -> str:
    """The canonical key, or a 400 naming the subject field."""
    try:
        if kind == SubjectKind.PERSON:
            key = normalize_id_number(subject_key)
            validate_id_number(key)
        else:
            key = normalize_uscc(subject_key)
            validate_uscc(key)
    except ValidationError as exc:
        label = "公民身份号码" if kind == SubjectKind.PERSON else "统一社会信用代码"
        raise ValidationError({"subject": [f"{label}无效：{'；'.join(exc.messages)}"]}) from exc
    return key


def _masked_subject(kind: str, key: str) -> str:
    return mask("id_number", key) if kind == SubjectKind.PERSON else key[:8] + "******" + key[-4:]


def _apply_masks(
    record: dict[str, Any], spec: dict[str, ResourceField], clear: set[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in record.items():
        kind = spec[name].mask
        if name in clear or kind == MaskKind.NONE or value is None:
            out[name] = value
        elif kind == MaskKind.HIDDEN:
            out[name] = "******"
        else:
            out[name] = mask(kind, str(value))
    return out


def _active_grant(resource: DataResource, consumer: Department) -> AccessGrant | None:
    today = timezone.localdate()
    for grant in AccessGrant.objects.filter(
        resource=resource, consumer=consumer, state=AccessGrant.State.APPROVED
    ).order_by("-valid_until", "-pk"):
        if grant.valid_until >= today:
            return grant
    return None


def _why_no_grant(resource: DataResource, consumer: Department) -> str:
    latest = (
        AccessGrant.objects.filter(resource=resource, consumer=consumer).order_by("-pk").first()
    )
    if latest is None:
        return f"本部门没有“{resource.name}”的共享授权"
    if latest.state == AccessGrant.State.REVOKED:
        return f"本部门对“{resource.name}”的授权已被撤销"
    if latest.state == AccessGrant.State.APPROVED:
        return f"本部门对“{resource.name}”的授权已于{latest.valid_until:%Y-%m-%d}到期"
    return f"本部门对“{resource.name}”的授权申请{latest.get_state_display()}"


@dataclass(frozen=True)
class _Context:
    """Who asks for whose data, why: the part of an access record known before the answer."""

    actor: User | None
    actor_label: str
    consumer: Department
    resource: DataResource
    purpose: str
    case_id: int | None
    case_label: str
    kind: str
    key: str
    started: float


@transaction.atomic
def _log(
    ctx: _Context, *, grant: AccessGrant | None, fields: Sequence[str], result: str, detail: str
) -> AccessLog:
    entry = AccessLog.objects.create(
        actor=ctx.actor,
        actor_label=ctx.actor_label[:100],
        consumer=ctx.consumer,
        resource=ctx.resource,
        grant=grant,
        purpose=ctx.purpose[:300],
        case_id=ctx.case_id,
        case_label=ctx.case_label[:40],
        subject_digest=subject_digest(ctx.key),
        subject_masked=_masked_subject(ctx.kind, ctx.key),
        fields=list(fields),
        result=result,
        detail=detail[:300],
        duration_ms=int((time.monotonic() - ctx.started) * 1000),
    )
    audit_log(
        action="exchange.access",
        obj=entry,
        changes={
            "resource": ctx.resource.code,
            "consumer": ctx.consumer.code,
            "case": ctx.case_label or None,
            "purpose": ctx.purpose[:300],
            "fields": list(fields),
            "result": result,
        },
    )
    return entry


def exchange_query(
    *,
    consumer: Department,
    resource: DataResource,
    subject_key: str,
    purpose: str,
    actor: User | None = None,
    actor_label: str = "",
    fields: list[str] | None = None,
    case_id: int | None = None,
    case_label: str = "",
) -> QueryResult:
    """One subject's record from `resource` for `consumer`, within its grant.

    `actor` is the staff member asking (checked against the consumer department), or None
    when the platform itself resolves a case's materials for the handling department."""
    started = time.monotonic()
    if not purpose.strip():
        raise ValidationError({"purpose": ["请说明查询目的"]})
    if actor is not None and not actor.has_perm("exchange.query", consumer):
        raise PermissionDenied("只能以本人所在部门的名义查询共享数据")
    key = subject_normalize(resource.subject_kind, subject_key)
    label = actor_label or (
        f"{actor.real_name or actor.username}（{consumer.short_name}）"
        if actor
        else f"系统自动获取（{consumer.short_name}）"
    )
    spec = {f.code: f for f in resource.fields.all()}
    unknown = [f for f in fields or [] if f not in spec]
    if unknown:
        raise ValidationError({"fields": [f"资源没有这些字段：{'、'.join(unknown)}"]})
    log = _Context(
        actor,
        label,
        consumer,
        resource,
        purpose.strip(),
        case_id,
        case_label,
        resource.subject_kind,
        key,
        started,
    )
    grant = _active_grant(resource, consumer) if resource.active else None
    wanted = list(fields) if fields else list(grant.fields if grant else [])
    if grant is None:
        reason = _why_no_grant(resource, consumer) if resource.active else "资源已停用"
        _log(log, grant=None, fields=wanted, result=Result.DENIED, detail=reason)
        raise AccessDenied(reason)
    if missing := [f for f in wanted if f not in grant.fields]:
        names = "、".join(f"{spec[f].label}（{f}）" for f in missing)
        detail = f"未获授权的字段：{names}"
        _log(log, grant=grant, fields=wanted, result=Result.DENIED, detail=detail)
        raise AccessDenied(detail)
    labels = {name: spec[name].label for name in wanted}
    try:
        record = providers.get(resource.provider_plugin).fetch(resource, key, wanted)
    except ProviderError as exc:
        entry = _log(log, grant=grant, fields=wanted, result=exc.result, detail=str(exc))
        return QueryResult(exc.result, resource, wanted, {}, labels, str(exc), entry.pk)
    if record is None:
        entry = _log(log, grant=grant, fields=wanted, result=Result.NO_RECORD, detail="无记录")
        return QueryResult(Result.NO_RECORD, resource, wanted, {}, labels, "无记录", entry.pk)
    masked = _apply_masks(record, spec, set(grant.clear_fields))
    entry = _log(log, grant=grant, fields=wanted, result=Result.OK, detail="")
    return QueryResult(Result.OK, resource, wanted, masked, labels, "", entry.pk)
