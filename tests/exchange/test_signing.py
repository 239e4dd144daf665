"""Properties of request signing: a signature made with the secret verifies; changing any part
of the request, the secret or the clock beyond the window makes it fail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.exchange import signing

NOW = 1_800_000_000.0
text = st.text(min_size=1, max_size=40)


def _signed(secret: str, path: str, body: bytes, nonce: str) -> signing.SignedRequest:
    timestamp = str(int(NOW))
    return signing.SignedRequest(
        "k", int(timestamp), nonce, signing.sign(secret, "POST", path, body, timestamp, nonce)
    )


@given(secret=text, path=text, body=st.binary(max_size=200), nonce=text)
def test_a_request_signed_with_the_secret_verifies(
    secret: str, path: str, body: bytes, nonce: str
) -> None:
    signing.verify(_signed(secret, path, body, nonce), secret, "POST", path, body, NOW + 299)


@given(
    secret=text,
    path=text,
    body=st.binary(min_size=1, max_size=200),
    nonce=text,
    index=st.integers(min_value=0),
)
def test_any_change_to_the_body_path_or_secret_fails(
    secret: str, path: str, body: bytes, nonce: str, index: int
) -> None:
    request = _signed(secret, path, body, nonce)
    i = index % len(body)
    tampered = body[:i] + bytes([body[i] ^ 1]) + body[i + 1 :]
    for args in [
        (secret, "POST", path, tampered),
        (secret, "POST", path + "/", body),
        (secret + "x", "POST", path, body),
        (secret, "GET", path, body),
    ]:
        with pytest.raises(signing.SignatureError):
            signing.verify(request, *args, NOW)


@given(drift=st.integers(min_value=301, max_value=10**6), sign=st.sampled_from([-1, 1]))
def test_a_timestamp_outside_five_minutes_fails(drift: int, sign: int) -> None:
    request = _signed("s", "/p", b"{}", "n")
    with pytest.raises(signing.SignatureError, match="时间戳"):
        signing.verify(request, "s", "POST", "/p", b"{}", NOW + sign * drift)


def test_missing_or_malformed_headers_are_named() -> None:
    with pytest.raises(signing.SignatureError, match=signing.HEADER_KEY):
        signing.parse({})
    headers = signing.signed_headers("k", "s", "POST", "/p", b"")
    headers[signing.HEADER_TIMESTAMP] = "yesterday"
    with pytest.raises(signing.SignatureError, match="Unix"):
        signing.parse(headers)
