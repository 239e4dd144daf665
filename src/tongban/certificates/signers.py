"""The seal (一章管审批): one signer per installation signs every certificate the approval
bureau issues, as a PAdES signature any PDF reader can check.

A signer is a plugin behind `SealSigner`, so a city can plug in an SM2 (GB/T 38540) signer or an
HSM; `TONGBAN_SEAL_SIGNER` names the one in use. The built-in `demo` signer makes its own seal
certificate authority on first use, under the data folder (never in the repository): a root
certificate and the bureau's seal certificate it issued, both ECDSA P-256.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import fcntl
import functools
import hashlib
import io
import os
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from tongban.core.registry import Registry


@dataclass(frozen=True)
class SealInfo:
    """What a certificate records about the seal that signed it."""

    signer: str
    holder: str  # the seal's owner, as its certificate names it
    fingerprint: str  # SHA-256 of the seal certificate (DER), hex


class SealSigner(Protocol):
    def info(self) -> SealInfo:
        """The seal this signer applies."""

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """The PDF with a PAdES signature over the whole file appended."""

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        """The roots a verifier must trust for this signer's seals."""


seal_signers: Registry[SealSigner] = Registry("seal signer")

T = TypeVar("T")


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyHanko's async signing and validation from synchronous code. pyHanko's own sync
    wrappers call asyncio.run, which fails inside a running event loop (an async server, a
    browser test's loop): then the coroutine runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def seal_signer() -> SealSigner:
    return seal_signers.get(settings.SEAL_SIGNER)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.CITY_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certs,
        content_commitment=not sign_certs,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def make_seal_authority(folder: Path, *, holder: str, years: int = 10) -> None:
    """A root certificate authority and one seal certificate issued by it, written to
    `folder` as ca.pem, seal.pem and seal.key (the key readable by its owner only)."""
    now = dt.datetime.now(dt.UTC)
    # Valid from well before today: the demo city replays past days (time travel in tests,
    # seeded history), and a seal must have been valid when each document was signed.
    since = now - dt.timedelta(days=365 * 3)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{settings.CITY_NAME}电子印章根证书（演示）")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(now + dt.timedelta(days=365 * (years + 5)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name(holder))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certs=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "seal.pem").write_bytes(seal.public_bytes(pem))
    key_file = folder / "seal.key"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )


class DemoSealSigner:
    """Signs with the demo seal authority in `DATA_DIR/seal/`, made on first use. Loading is
    done once per process; two processes starting together make it once (a file lock)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self._folder or Path(settings.DATA_DIR) / "seal"

    @functools.cached_property
    def _material(self) -> tuple[asn1_x509.Certificate, asn1_x509.Certificate, object]:
        folder = self.folder
        with self._lock:
            if not (folder / "seal.key").exists():
                folder.mkdir(parents=True, exist_ok=True)
                with open(folder / ".lock", "w") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    if not (folder / "seal.key").exists():
                        make_seal_authority(folder, holder=settings.SEAL_HOLDER)
            ca = asn1_x509.Certificate.load(_der(folder / "ca.pem"))
            seal = asn1_x509.Certificate.load(_der(folder / "seal.pem"))
            key = serialization.load_pem_private_key((folder / "seal.key").read_bytes(), None)
            info = asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        signer = signers.SimpleSigner(
            signing_cert=seal,
            signing_key=info,
            cert_registry=SimpleCertificateStore.from_certs([ca]),  # type: ignore[no-untyped-call]
        )
        return ca, seal, signer

    def info(self) -> SealInfo:
        _, seal, _ = self._material
        return SealInfo(
            signer="demo",
            holder=seal.subject.native.get("common_name", ""),
            fingerprint=hashlib.sha256(seal.dump()).hexdigest(),
        )

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        return [self._material[0]]

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        _, _, signer = self._material
        meta = signers.PdfSignatureMetadata(
            field_name="Seal",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
        )
        out = io.BytesIO()
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        pdf_signer = signers.PdfSigner(meta, signer=signer)  # type: ignore[arg-type]
        run_coroutine(lambda: pdf_signer.async_sign_pdf(writer, output=out))
        return out.getvalue()


def _der(path: Path) -> bytes:
    return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
