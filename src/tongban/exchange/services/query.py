"""A consumer's query for one subject's record: grant check, provider call, masking, and the
access log + audit record, whatever the result.

Denials are logged and then raised (403 naming the fields); "no record", "provider down" and
"garbage" are results, not errors, so a case can ask the applicant to upload instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from tongban.accounts.models import Department, User
from tongban.core.audit import audit_log
from tongban.core.ids import normalize_id_number, normalize_uscc, validate_id_number, validate_uscc
from tongban.core.masking import mask
from tongban.core.texts import said, translations_by_field
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
class QueryRequest:
    """One question of a batch: a subject's record from a resource, for a purpose."""

    resource: DataResource
    subject_key: str
    purpose: str
    fields: list[str] | None = None


@dataclass
class _Pending:
    request: QueryRequest
    key: str
    grant: AccessGrant | None
    wanted: list[str]
    result: QueryResult
    started: float


def _record_accesses(
    pending: list[_Pending],
    *,
    actor: User | None,
    actor_label: str,
    consumer: Department,
    case_id: int | None,
    case_label: str,
) -> None:
    """The access log rows and one audit record naming every access of the batch, in one
    transaction, and each access names it (the person's proof of inclusion)."""
    entries = [
        AccessLog(
            actor=actor,
            actor_label=str(actor_label)[:100],
            consumer=consumer,
            resource=p.request.resource,
            grant=p.grant,
            purpose=str(p.request.purpose)[:300],
            i18n=translations_by_field(
                purpose=p.request.purpose, actor_label=actor_label, case_label=case_label
            ),
            case_id=case_id,
            case_label=str(case_label)[:40],
            subject_digest=subject_digest(p.key),
            subject_masked=_masked_subject(p.request.resource.subject_kind, p.key),
            fields=p.wanted,
            result=p.result.result,
            detail=p.result.detail[:300],
            duration_ms=int((time.monotonic() - p.started) * 1000),
        )
        for p in pending
    ]
    with transaction.atomic():
        AccessLog.objects.bulk_create(entries)
        for p, entry in zip(pending, entries, strict=True):
            p.result.log_id = entry.pk
        record = audit_log(
            action="exchange.access",
            object_type="exchange.accesslog",
            object_id=",".join(str(e.pk) for e in entries),
            changes={
                "consumer": consumer.code,
                "case": case_label or None,
                "accesses": [
                    {
                        "id": e.pk,
                        "resource": p.request.resource.code,
                        "purpose": e.purpose,
                        "fields": e.fields,
                        "result": e.result,
                    }
                    for p, e in zip(pending, entries, strict=True)
                ],
            },
        )
        AccessLog.objects.filter(pk__in=[e.pk for e in entries]).update(audit_record=record)


def _grants_of(consumer: Department, resources: list[DataResource]) -> dict[int, AccessGrant]:
    """The consumer's active grant per resource, newest expiry first, in one query."""
    today = timezone.localdate()
    found: dict[int, AccessGrant] = {}
    for grant in AccessGrant.objects.filter(
        consumer=consumer,
        resource__in=[r.pk for r in resources],
        state=AccessGrant.State.APPROVED,
        valid_until__gte=today,
    ).order_by("-valid_until", "-pk"):
        found.setdefault(grant.resource_id, grant)
    return found


def _prefetch(requests: list[QueryRequest], grants: dict[int, AccessGrant]) -> None:
    """Tell each provider which granted records a batch will ask for."""
    by_plugin: dict[str, list[tuple[DataResource, str]]] = {}
    for request in requests:
        if request.resource.pk not in grants:
            continue
        try:
            key = subject_normalize(request.resource.subject_kind, request.subject_key)
        except ValidationError:
            continue
        by_plugin.setdefault(request.resource.provider_plugin, []).append((request.resource, key))
    for plugin, wanted in by_plugin.items():
        if len(wanted) > 1:
            providers.get(plugin).prefetch(wanted)


def _forget() -> None:
    for name in providers.names():
        providers.get(name).forget()


def exchange_query_many(
    *,
    consumer: Department,
    requests: list[QueryRequest],
    actor: User | None = None,
    actor_label: str = "",
    case_id: int | None = None,
    case_label: str = "",
) -> list[QueryResult]:
    """Several queries for one consumer (a case's materials, say): grants read once, each
    provider asked, every access logged. Denials and invalid subjects are results here
    ("denied", "invalid_subject"); an invalid subject is not an access and is not logged."""
    if actor is not None and not actor.has_perm("exchange.query", consumer):
        raise PermissionDenied("只能以本人所在部门的名义查询共享数据")
    label = actor_label or (
        said(
            gettext_noop("{name}（{department}）"),
            name=actor.real_name or actor.username,
            department=consumer,
        )
        if actor
        else said(gettext_noop("系统自动获取（{department}）"), department=consumer)
    )
    grants = _grants_of(consumer, [r.resource for r in requests if r.resource.active])
    _prefetch(requests, grants)
    try:
        results, pending = _ask_each(requests, grants, consumer)
    finally:
        _forget()
    if pending:
        _record_accesses(
            pending,
            actor=actor,
            actor_label=label,
            consumer=consumer,
            case_id=case_id,
            case_label=case_label,
        )
    return results


def _ask_each(
    requests: list[QueryRequest], grants: dict[int, AccessGrant], consumer: Department
) -> tuple[list[QueryResult], list[_Pending]]:
    results: list[QueryResult] = []
    pending: list[_Pending] = []
    for request in requests:
        started = time.monotonic()
        resource = request.resource
        spec = {f.code: f for f in resource.fields.all()}
        try:
            key = subject_normalize(resource.subject_kind, request.subject_key)
        except ValidationError as exc:
            results.append(QueryResult("invalid_subject", resource, [], detail=exc.messages[0]))
            continue
        grant = grants.get(resource.pk) if resource.active else None
        wanted = list(request.fields) if request.fields else list(grant.fields if grant else [])
        labels = {name: spec[name].label for name in wanted if name in spec}
        result = QueryResult(Result.DENIED, resource, wanted, {}, labels)
        if grant is None:
            result.detail = _why_no_grant(resource, consumer) if resource.active else "资源已停用"
        elif missing := [f for f in wanted if f not in grant.fields]:
            names = "、".join(f"{spec[f].label}（{f}）" for f in missing)
            result.detail = f"未获授权的字段：{names}"
        else:
            try:
                record = providers.get(resource.provider_plugin).fetch(resource, key, wanted)
            except ProviderError as exc:
                result.result, result.detail = exc.result, str(exc)
            else:
                if record is None:
                    result.result, result.detail = Result.NO_RECORD, "无记录"
                else:
                    result.result = Result.OK
                    result.record = _apply_masks(record, spec, set(grant.clear_fields))
        results.append(result)
        pending.append(_Pending(request, key, grant, wanted, result, started))
    return results, pending


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
    when the platform itself asks for the handling department. A bad subject or field is a
    400 naming it; a query outside the grant is logged, then refused (AccessDenied)."""
    if not purpose.strip():
        raise ValidationError({"purpose": ["请说明查询目的"]})
    known = {field.code for field in resource.fields.all()}
    unknown = [f for f in fields or [] if f not in known]
    if unknown:
        raise ValidationError({"fields": [f"资源没有这些字段：{'、'.join(unknown)}"]})
    subject_normalize(resource.subject_kind, subject_key)  # a 400 before anything is logged
    [result] = exchange_query_many(
        consumer=consumer,
        requests=[QueryRequest(resource, subject_key, purpose.strip(), fields)],
        actor=actor,
        actor_label=actor_label,
        case_id=case_id,
        case_label=case_label,
    )
    if result.result == Result.DENIED:
        raise AccessDenied(result.detail)
    return result
