"""RFC 3161 time stamps of the audit log's checkpoints, from an outside authority (a TSA).

A checkpoint's signature says the platform made it; a time stamp says, from someone else,
that it existed by a given time, and so did every record in its tree (the later trees are
consistent with it, `verify` checks). The sequencer asks for one on the newest checkpoint
every `TONGBAN_AUDIT_TSA_EVERY` seconds when `TONGBAN_AUDIT_TSA_URL` is set; an authority that
is down delays the stamp, never the seal. `verify` checks each stamp's message imprint (the
SHA-256 of the checkpoint's signed note), its time, and, with `TONGBAN_AUDIT_TSA_CERT`, the
authority's signature and certificate (pyHanko)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from asn1crypto import cms, pem, tsp, x509
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.core.models import AuditCheckpoint, AuditTimestamp

logger = logging.getLogger(__name__)

# The authority's clock and ours may differ a little; a stamp earlier than its checkpoint
# by more than this is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)

# Stamps a SHA-256 digest: the authority's token (a CMS ContentInfo), or raises.
Stamper = Callable[[bytes], cms.ContentInfo]


class TimestampFailed(Exception):
    """The authority did not answer with a token for our digest."""


def http_stamper(url: str, timeout: float = 10.0) -> Stamper:
    """Ask the authority at `url` over HTTP (RFC 3161 §3.4), with pyHanko's request and
    response handling."""
    from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
    from pyhanko.sign.timestamps.common_utils import handle_tsp_response

    def stamp(digest: bytes) -> cms.ContentInfo:
        nonce, request = TimeStamper().request_cms(digest, "sha256")  # type: ignore[no-untyped-call]
        try:
            answer = httpx.post(
                url,
                content=request.dump(),
                headers={"Content-Type": "application/timestamp-query"},
                timeout=timeout,
            )
            answer.raise_for_status()
            return handle_tsp_response(tsp.TimeStampResp.load(answer.content), nonce)
        except (httpx.HTTPError, TimestampRequestError, ValueError) as exc:
            raise TimestampFailed(str(exc)) from exc

    return stamp


def configured_stamper() -> tuple[str, Stamper] | None:
    url = settings.AUDIT_TSA_URL
    return (url, http_stamper(url)) if url else None


def _tst_info(token: cms.ContentInfo) -> tsp.TSTInfo:
    parsed = token["content"]["encap_content_info"]["content"].parsed
    if not isinstance(parsed, tsp.TSTInfo):
        raise TimestampFailed("令牌中没有时间戳信息（TSTInfo）")
    return parsed


def note_digest(checkpoint: AuditCheckpoint) -> bytes:
    return hashlib.sha256(checkpoint.note.encode()).digest()


def audit_timestamp(
    stamper: tuple[str, Stamper] | None = None, *, now: dt.datetime | None = None
) -> AuditTimestamp | None:
    """Stamp the newest checkpoint when the last stamp is older than the interval. None when
    there is nothing to do, no authority is configured, or the authority failed (logged; the
    next call tries again)."""
    stamper = stamper or configured_stamper()
    if stamper is None:
        return None
    name, stamp = stamper
    now = now or timezone.now()
    newest = AuditCheckpoint.objects.order_by("-tree_size").first()
    last = AuditTimestamp.objects.order_by("-gen_time").first()
    if newest is None or (last and last.checkpoint_id == newest.tree_size):
        return None
    if last and now - last.gen_time < dt.timedelta(seconds=settings.AUDIT_TSA_EVERY):
        return None
    digest = note_digest(newest)
    try:
        token = stamp(digest)
        info = _tst_info(token)
        if info["message_imprint"]["hashed_message"].native != digest:
            raise TimestampFailed("时间戳机构返回的摘要与请求的不同")
    except TimestampFailed as exc:
        logger.warning("审计检查点%s未能加盖时间戳：%s", newest.tree_size, exc)
        return None
    try:
        with transaction.atomic():
            return AuditTimestamp.objects.create(
                checkpoint=newest,
                gen_time=info["gen_time"].native,
                tsa=name[:300],
                token=base64.b64encode(token.dump()).decode(),
            )
    except IntegrityError:
        return None  # another sequencer stamped it first


def _trust_roots() -> list[x509.Certificate]:
    path = settings.AUDIT_TSA_CERT
    if not path:
        return []
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def _signature_problem(token: cms.ContentInfo, digest: bytes, roots: list[Any]) -> str:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=roots, allow_fetching=False)

    def expected(algorithm: str) -> bytes:
        return digest if algorithm == "sha256" else b""

    status = asyncio.run(validate_tst_signed_data(token["content"], context, expected))
    if not (status.get("intact") and status.get("valid")):
        return "签名无效"
    if status.get("trust_problem_indic") is not None:
        return "签名证书不是所配置的时间戳机构"
    return ""


def timestamp_problems() -> tuple[int, list[str]]:
    """How many stamps there are, and what is wrong with any of them."""
    roots = _trust_roots()
    problems: list[str] = []
    stamps = list(AuditTimestamp.objects.select_related("checkpoint").order_by("checkpoint"))
    for stamp in stamps:
        checkpoint = stamp.checkpoint
        digest = note_digest(checkpoint)
        where = f"检查点{checkpoint.tree_size}的时间戳"
        try:
            token = cms.ContentInfo.load(base64.b64decode(stamp.token))
            info = _tst_info(token)
        except (ValueError, TimestampFailed) as exc:
            problems.append(f"{where}无法解析：{exc}")
            continue
        if info["message_imprint"]["hashed_message"].native != digest:
            problems.append(f"{where}与检查点的签署内容不符：检查点被改写")
            continue
        gen_time = info["gen_time"].native
        if gen_time != stamp.gen_time:
            problems.append(f"{where}的时间在数据库中被改动")
        if gen_time < checkpoint.at - CLOCK_SKEW:
            problems.append(f"{where}早于检查点本身的时间")
        if roots:
            problem = _signature_problem(token, digest, roots)
            if problem:
                problems.append(f"{where}{problem}")
    return len(stamps), problems
