"""Signed requests between the exchange and remote department systems.

A request carries its key id, a timestamp and a single-use nonce; the signature is
HMAC-SHA256 over method, path, timestamp, nonce and the body's SHA-256, so neither the body
nor the target can be changed. The receiver rejects a timestamp outside ±5 minutes and a
nonce it has already seen (the nonce store is the caller's: see services.remote).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 300
HEADER_KEY = "X-Tongban-Key"
HEADER_TIMESTAMP = "X-Tongban-Timestamp"
HEADER_NONCE = "X-Tongban-Nonce"
HEADER_SIGNATURE = "X-Tongban-Signature"


class SignatureError(Exception):
    """A request whose signature, timestamp or nonce is not acceptable (message in Chinese)."""


def _message(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, timestamp, nonce, digest]).encode()


def sign(secret: str, method: str, path: str, body: bytes, timestamp: str, nonce: str) -> str:
    return hmac.new(
        secret.encode(), _message(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def signed_headers(key_id: str, secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    return {
        HEADER_KEY: key_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: sign(secret, method, path, body, timestamp, nonce),
    }


@dataclass(frozen=True)
class SignedRequest:
    key_id: str
    timestamp: int
    nonce: str
    signature: str


def parse(headers: Mapping[str, str]) -> SignedRequest:
    """The signature headers, or SignatureError naming the missing or malformed one."""
    values = {}
    for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE):
        value = headers.get(name, "").strip()
        if not value or len(value) > 128:
            raise SignatureError(f"缺少或无效的签名头 {name}")
        values[name] = value
    if not values[HEADER_TIMESTAMP].isdigit():
        raise SignatureError(f"签名头 {HEADER_TIMESTAMP} 应为Unix秒数")
    return SignedRequest(
        values[HEADER_KEY],
        int(values[HEADER_TIMESTAMP]),
        values[HEADER_NONCE],
        values[HEADER_SIGNATURE],
    )


def verify(
    request: SignedRequest, secret: str, method: str, path: str, body: bytes, now: float
) -> None:
    """Raises SignatureError unless the signature matches and the timestamp is fresh."""
    if abs(now - request.timestamp) > WINDOW_SECONDS:
        raise SignatureError("请求时间戳超出允许范围（±5分钟）")
    expected = sign(secret, method, path, body, str(request.timestamp), request.nonce)
    if not hmac.compare_digest(expected, request.signature):
        raise SignatureError("签名不符：请求被篡改或密钥错误")
