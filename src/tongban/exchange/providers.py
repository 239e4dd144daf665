"""Exchange providers behind one interface: the built-in registries over the platform's own
tables, and remote department systems over signed HTTP.

A provider answers one subject's record (or None: no record) or raises ProviderUnavailable
(down, slow, circuit open) or ProviderInvalid (a body that is not a record). The caller turns
both into "not available, please upload instead"; nothing else breaks.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from typing import Any
from urllib.parse import urlsplit

import httpx
import pybreaker
from django.conf import settings
from django.db.models import Q
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tongban.core.registry import Registry
from tongban.exchange.models import DataResource, RegistryRecord
from tongban.exchange.signing import signed_headers

Record = dict[str, Any]
SCALARS = (str, int, float, bool, type(None))


class ProviderError(Exception):
    result = "unavailable"


class ProviderUnavailable(ProviderError):
    result = "unavailable"


class ProviderInvalid(ProviderError):
    result = "invalid"


class Provider(ABC):
    @abstractmethod
    def fetch(self, resource: DataResource, subject_key: str, fields: list[str]) -> Record | None:
        """The subject's record restricted to `fields`, or None when there is none."""

    def prefetch(self, wanted: list[tuple[DataResource, str]]) -> None:  # noqa: B027
        """A hint that these (resource, subject) records are about to be fetched: a provider
        that can answer several at once loads them here. Optional: the default does nothing."""

    def forget(self) -> None:  # noqa: B027
        """Drop whatever prefetch kept (called when the batch is over). Optional."""


class BuiltinProvider(Provider):
    """The demo city's registries, stored in RegistryRecord. A batch's records are loaded in
    one query (prefetch), kept for the calling thread until fetched."""

    def __init__(self) -> None:
        self._local = threading.local()

    def prefetch(self, wanted: list[tuple[DataResource, str]]) -> None:
        condition = Q()
        for resource, key in wanted:
            condition |= Q(resource_id=resource.pk, subject_key=key)
        rows = RegistryRecord.objects.filter(condition).values_list(
            "resource_id", "subject_key", "data"
        )
        self._local.batch = {
            (resource, key): None for resource, key in ((r.pk, k) for r, k in wanted)
        } | {(resource_id, key): data for resource_id, key, data in rows}

    def forget(self) -> None:
        self._local.batch = {}

    def fetch(self, resource: DataResource, subject_key: str, fields: list[str]) -> Record | None:
        batch: dict[tuple[int, str], Any] = getattr(self._local, "batch", {})
        if (resource.pk, subject_key) in batch:
            row = batch.pop((resource.pk, subject_key))
        else:
            row = (
                RegistryRecord.objects.filter(resource=resource, subject_key=subject_key)
                .values_list("data", flat=True)
                .first()
            )
        if row is None:
            return None
        return {name: row.get(name) for name in fields}


def validate_body(body: bytes, fields: list[str]) -> Record | None:
    """A remote answer: {"found": false} or {"found": true, "record": {field: scalar}}."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProviderInvalid("提供方返回的不是JSON") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("found"), bool):
        raise ProviderInvalid("提供方返回缺少found字段")
    if not doc["found"]:
        return None
    record = doc.get("record")
    if not isinstance(record, dict) or not all(
        isinstance(k, str) and isinstance(v, SCALARS) for k, v in record.items()
    ):
        raise ProviderInvalid("提供方返回的record格式无效")
    # Only what was asked comes through, whatever the remote side sent.
    return {name: record.get(name) for name in fields}


class HttpProvider(Provider):
    """A remote department system: signed POST, per-attempt timeout, one retry with backoff
    on connection faults and 5xx, and a circuit breaker per resource so a dead system costs
    nothing after a few failures."""

    def __init__(self) -> None:
        self._breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._lock = threading.Lock()

    def breaker(self, resource: DataResource) -> pybreaker.CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(resource.code)
            if breaker is None:
                breaker = pybreaker.CircuitBreaker(
                    fail_max=settings.EXCHANGE_BREAKER_FAILURES,
                    reset_timeout=settings.EXCHANGE_BREAKER_RESET_SECONDS,
                    exclude=[ProviderInvalid],
                    name=resource.code,
                )
                self._breakers[resource.code] = breaker
            return breaker

    def reset(self) -> None:
        with self._lock:
            self._breakers.clear()

    def _post(self, resource: DataResource, body: bytes) -> bytes:
        path = urlsplit(resource.endpoint).path or "/"
        headers = {
            "Content-Type": "application/json",
            **signed_headers(resource.key_id, resource.secret, "POST", path, body),
        }
        try:
            response = httpx.post(
                resource.endpoint,
                content=body,
                headers=headers,
                timeout=resource.timeout_ms / 1000,
            )
        except httpx.TimeoutException as exc:
            raise ProviderUnavailable("提供方响应超时") from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable("无法连接提供方") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable(f"提供方故障（HTTP {response.status_code}）")
        if response.status_code != 200:
            raise ProviderInvalid(f"提供方拒绝请求（HTTP {response.status_code}）")
        return response.content

    def fetch(self, resource: DataResource, subject_key: str, fields: list[str]) -> Record | None:
        body = json.dumps(
            {"resource": resource.code, "subject": subject_key, "fields": fields}
        ).encode()
        retrying = Retrying(
            stop=stop_after_attempt(settings.EXCHANGE_HTTP_ATTEMPTS),
            wait=wait_exponential(multiplier=0.05, max=0.5),
            retry=retry_if_exception_type(ProviderUnavailable),
            reraise=True,
        )
        try:
            raw = self.breaker(resource).call(retrying, self._post, resource, body)
        except pybreaker.CircuitBreakerError as exc:
            raise ProviderUnavailable("提供方连续故障，暂停调用（熔断）") from exc
        return validate_body(raw, fields)


providers: Registry[Provider] = Registry("exchange provider")


def register_default_providers() -> None:
    providers.register("builtin", BuiltinProvider(), replace=True)
    providers.register("http", HttpProvider(), replace=True)
