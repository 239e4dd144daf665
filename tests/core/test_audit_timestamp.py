"""RFC 3161 time stamps of the audit checkpoints: asked over HTTP from an authority (here a
test authority made with pyHanko's DummyTimeStamper and a throwaway RSA certificate), never
holding up the seal, and checked by `verify`: the imprint, the time, the signature and that
the signer is the configured authority."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.timestamps.common_utils import handle_tsp_response

from tongban.core.audit import audit_log
from tongban.core.auditseal import audit_seal, audit_tree_verify
from tongban.core.audittime import Stamper, TimestampFailed, audit_timestamp, http_stamper
from tongban.core.models import AuditCheckpoint, AuditTimestamp

pytestmark = pytest.mark.django_db


def _authority(name: str) -> tuple[DummyTimeStamper, bytes]:
    """A time-stamping authority with its own self-signed certificate (its PEM returned)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"测试时间戳机构 {name}")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    dummy = DummyTimeStamper(asn1_x509.Certificate.load(der), keys.PrivateKeyInfo.load(key_der))
    return dummy, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def authorities() -> dict[str, tuple[DummyTimeStamper, bytes]]:
    return {"city": _authority("city"), "other": _authority("other")}


def _stamper(dummy: DummyTimeStamper) -> tuple[str, Stamper]:
    def stamp(digest: bytes) -> Any:
        nonce, request = dummy.request_cms(digest, "sha256")
        return handle_tsp_response(dummy.request_tsa_response(request), nonce)

    return ("test-tsa", stamp)


@pytest.fixture
def trusted(settings: Any, tmp_path: Path, authorities: dict[str, Any]) -> tuple[str, Stamper]:
    pem = tmp_path / "tsa.pem"
    pem.write_bytes(authorities["city"][1])
    settings.AUDIT_TSA_CERT = str(pem)
    settings.AUDIT_TSA_EVERY = 600
    return _stamper(authorities["city"][0])


def _sealed(n: int = 3) -> AuditCheckpoint:
    for i in range(n):
        audit_log(action="test.write", object_type="test", object_id=str(i))
    checkpoint = audit_seal(full=True)
    assert checkpoint is not None
    return checkpoint


def test_no_authority_configured_means_no_stamp(settings: Any) -> None:
    settings.AUDIT_TSA_URL = ""
    _sealed()
    assert audit_timestamp() is None
    assert audit_tree_verify().timestamps == 0


def test_the_newest_checkpoint_is_stamped_and_verifies(trusted: tuple[str, Stamper]) -> None:
    checkpoint = _sealed()
    stamp = audit_timestamp(trusted)
    assert stamp is not None and stamp.checkpoint_id == checkpoint.tree_size
    assert abs(stamp.gen_time - checkpoint.at) < dt.timedelta(minutes=1)
    report = audit_tree_verify()
    assert report.ok, report.problems
    assert report.timestamps == 1


def test_stamps_come_at_the_interval_only(trusted: tuple[str, Stamper]) -> None:
    _sealed()
    first = audit_timestamp(trusted)
    assert first is not None
    _sealed()
    assert audit_timestamp(trusted) is None  # within the interval
    later = first.gen_time + dt.timedelta(seconds=601)
    second = audit_timestamp(trusted, now=later)
    assert second is not None and second.checkpoint_id > first.checkpoint_id
    assert audit_timestamp(trusted, now=later + dt.timedelta(hours=1)) is None  # already stamped


def test_an_authority_that_is_down_delays_the_stamp_not_the_seal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def down(digest: bytes) -> Any:
        raise TimestampFailed("connection refused")

    _sealed()
    assert audit_timestamp(("down", down)) is None
    assert "未能加盖时间戳" in caplog.text
    assert _sealed().tree_size == 6  # sealing goes on
    assert AuditTimestamp.objects.count() == 0


def test_a_rewritten_checkpoint_no_longer_matches_its_stamp(
    trusted: tuple[str, Stamper],
) -> None:
    checkpoint = _sealed()
    assert audit_timestamp(trusted) is not None
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(note=checkpoint.note + "x")
    problems = audit_tree_verify().problems
    assert any("时间戳与检查点的签署内容不符" in p for p in problems)


def test_a_stamp_from_another_authority_is_refused(
    trusted: tuple[str, Stamper], authorities: dict[str, Any]
) -> None:
    _sealed()
    assert audit_timestamp(_stamper(authorities["other"][0])) is not None
    problems = audit_tree_verify().problems
    assert any("签名证书不是所配置的时间戳机构" in p for p in problems), problems


def test_a_stamp_time_edited_in_the_database_is_caught(trusted: tuple[str, Stamper]) -> None:
    _sealed()
    stamp = audit_timestamp(trusted)
    assert stamp is not None
    AuditTimestamp.objects.filter(pk=stamp.pk).update(
        gen_time=stamp.gen_time - dt.timedelta(days=1)
    )
    with pytest.raises(CommandError, match="时间在数据库中被改动"):
        call_command("audit", "verify")


@pytest.fixture
def tsa_server(authorities: dict[str, Any]) -> Iterator[str]:
    """The authority behind HTTP, as RFC 3161 §3.4 has it."""
    dummy = authorities["city"][0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers["Content-Type"] != "application/timestamp-query":
                self.send_response(415)
                self.end_headers()
                return
            answer = dummy.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()


def test_the_http_client_against_an_authority(
    trusted: tuple[str, Stamper], tsa_server: str, settings: Any
) -> None:
    settings.AUDIT_TSA_URL = tsa_server
    _sealed()
    stamp = audit_timestamp()
    assert stamp is not None and stamp.tsa == tsa_server
    assert audit_tree_verify().ok


def test_the_http_client_when_the_authority_is_unreachable() -> None:
    stamp = http_stamper("http://127.0.0.1:9/tsa", timeout=1.0)
    with pytest.raises(TimestampFailed):
        stamp(b"\0" * 32)
