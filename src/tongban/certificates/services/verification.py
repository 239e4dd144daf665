"""Verifying a certificate file: the seal's signature over every byte, a trusted seal, then what
the record says (revoked, expired)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.certificates.models import Certificate
from tongban.certificates.signers import run_coroutine, seal_signers
from tongban.core import clock

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Verification:
    status: str  # valid | revoked | expired | tampered | unsigned | untrusted | unknown
    message: str
    certificate: Certificate | None = None
    signed_by: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "valid"


def certificate_status(certificate: Certificate, on: dt.date | None = None) -> Verification:
    """What the record says today: valid, revoked or expired."""
    day = on or clock.localdate()
    if certificate.state == Certificate.State.REVOKED:
        when = timezone.localtime(certificate.revoked_at) if certificate.revoked_at else None
        return Verification(
            "revoked",
            _("该证照已于%(date)s撤销：%(reason)s")
            % {"date": f"{when:%Y-%m-%d}", "reason": certificate.revoked_reason}
            if when
            else _("该证照已撤销"),
            certificate,
        )
    if certificate.expired_on(day):
        return Verification(
            "expired",
            _("该证照已过有效期（有效期至%(date)s）")
            % {"date": f"{certificate.valid_until:%Y-%m-%d}"},
            certificate,
        )
    return Verification("valid", _("证照真实有效"), certificate)


def _trust_roots() -> list[Any]:
    roots = []
    for name in seal_signers.names():
        roots.extend(seal_signers.get(name).trust_roots())
    return roots


def certificate_verify(data: bytes) -> Verification:
    """Check a certificate file: the seal's signature over every byte, that a trusted seal
    made it, and then what the record says (revoked, expired)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    tampered = Verification("tampered", _("文件已被篡改或损坏：内容与签章时不一致"))
    if not data.startswith(b"%PDF-"):
        return Verification("unsigned", _("不是PDF文件"))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — any parse failure of a signed file means it was changed
        return tampered
    if not signatures:
        return Verification("unsigned", _("文件中没有电子印章，无法核验"))
    try:
        context = ValidationContext(trust_roots=_trust_roots())
        status = run_coroutine(lambda: async_validate_pdf_signature(signatures[-1], context))
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return tampered
    if not (status.intact and status.valid) or status.coverage != (
        SignatureCoverageLevel.ENTIRE_FILE
    ):
        return tampered
    signed_by = status.signing_cert.subject.native.get("common_name", "")
    if not status.trusted:
        return Verification(
            "untrusted", _("电子印章完好，但不是由本平台信任的机构签发"), signed_by=signed_by
        )
    digest = hashlib.sha256(data).hexdigest()
    certificate = Certificate.objects.select_related("type", "issuer").filter(sha256=digest).first()
    if certificate is None:
        return Verification(
            "unknown", _("电子印章有效，但本平台没有这份证照的记录"), signed_by=signed_by
        )
    found = certificate_status(certificate)
    return Verification(
        found.status, found.message, certificate, signed_by, status.signer_reported_dt
    )


def read_upload(upload: UploadedFile | None) -> tuple[bytes | None, str]:
    """The uploaded file's bytes, never more than the limit in memory; or why not."""
    if upload is None:
        return None, _("请选择要核验的证照文件（PDF）")
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return None, _("文件超过20MB，不是本平台签发的证照")
    return data, ""
