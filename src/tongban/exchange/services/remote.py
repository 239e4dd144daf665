"""The exchange's own endpoint for remote department systems: signed requests only, each
nonce once, answered within the calling department's grants like any other query.

A request that fails its signature, its timestamp or its nonce is rejected. Rejections are
counted per client address and window (`core.throttle.FailureGate`): the first of a window
and the one that stops the client go into the audit chain, the rest are counted, and a client
over the limit is refused (429) before its request is even parsed. No data was read, so a
rejection is not an access of anyone's data.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.throttle import FailureGate
from tongban.exchange import signing
from tongban.exchange.models import DataResource, ExchangePeer, SeenNonce
from tongban.exchange.services.query import exchange_query

REMOTE_GATE = FailureGate("exchange.remote", limit=20, window=60)


def _reject(reason: str, key_id: str, client: str) -> signing.SignatureError:
    REMOTE_GATE.fail(client, reason, key_id=key_id[:40])
    return signing.SignatureError(reason)


def _authenticate(
    headers: Mapping[str, str], method: str, path: str, body: bytes, client: str
) -> ExchangePeer:
    try:
        signed = signing.parse(headers)
    except signing.SignatureError as exc:
        raise _reject(str(exc), headers.get(signing.HEADER_KEY, "")[:40], client) from exc
    peer = ExchangePeer.objects.select_related("department").filter(key_id=signed.key_id).first()
    if peer is None or not peer.active:
        raise _reject("未知或已停用的密钥编号", signed.key_id, client)
    try:
        signing.verify(signed, peer.secret, method, path, body, time.time())
    except signing.SignatureError as exc:
        raise _reject(str(exc), signed.key_id, client) from exc
    try:
        with transaction.atomic():
            SeenNonce.objects.create(key_id=peer.key_id, nonce=signed.nonce[:64])
    except IntegrityError as exc:
        raise _reject("重放的请求：该nonce已使用", signed.key_id, client) from exc
    return peer


def remote_query(
    *, headers: Mapping[str, str], method: str, path: str, body: bytes, client: str = ""
) -> dict[str, Any]:
    """One signed query from a department's system; `client` is its address as the platform
    saw it (`core.throttle.client_address`)."""
    REMOTE_GATE.check(client)
    peer = _authenticate(headers, method, path, body, client)
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError({"body": ["请求体应为JSON"]}) from exc
    if not isinstance(doc, dict):
        raise ValidationError({"body": ["请求体应为JSON对象"]})
    errors = {
        name: [f"缺少{label}"]
        for name, label in (("resource", "资源编码"), ("subject", "主体标识"), ("purpose", "目的"))
        if not isinstance(doc.get(name), str) or not doc[name].strip()
    }
    fields = doc.get("fields")
    if fields is not None and not (
        isinstance(fields, list) and all(isinstance(f, str) for f in fields)
    ):
        errors["fields"] = ["fields应为字段编码列表"]
    if errors:
        raise ValidationError(errors)
    resource = DataResource.objects.filter(code=doc["resource"]).first()
    if resource is None:
        raise ValidationError({"resource": [f"资源“{doc['resource']}”不存在"]})
    result = exchange_query(
        consumer=peer.department,
        resource=resource,
        subject_key=doc["subject"],
        purpose=doc["purpose"],
        actor_label=f"对接系统 {peer.name}（{peer.department.short_name}）",
        fields=fields or None,
        case_label=str(doc.get("case_ref", ""))[:40],
    )
    if result.result in ("unavailable", "invalid"):
        return {"found": False, "error": result.detail}
    return {"found": result.ok, "record": result.record if result.ok else None}


def nonces_prune() -> int:
    """Forget nonces older than the signature window (the sweep runs this)."""
    cutoff = timezone.now() - dt.timedelta(seconds=2 * signing.WINDOW_SECONDS)
    deleted, _ = SeenNonce.objects.filter(at__lt=cutoff).delete()
    return deleted
