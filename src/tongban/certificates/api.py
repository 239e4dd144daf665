"""Certificates API: public verification (by the QR code's token, or an uploaded file), the
holder's certificates and their signed PDFs, and revocation by the issuing department."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.certificates import selectors
from tongban.certificates.models import Certificate
from tongban.certificates.schemas import CertificateOut, CertificateRevokeIn, VerificationOut
from tongban.certificates.services import (
    Verification,
    certificate_file,
    certificate_revoke,
    certificate_status,
    certificate_verify,
    read_upload,
)
from tongban.core.downloads import pdf_response

router = Router(tags=["电子证照 certificates"])
session = SessionAuth()


def _verification(result: Verification) -> dict[str, Any]:
    return {
        "status": result.status,
        "message": result.message,
        "signed_by": result.signed_by,
        "signed_at": result.signed_at,
        "certificate": selectors.public_facts(result.certificate) if result.certificate else None,
    }


def _visible(request: HttpRequest, number: str) -> tuple[User, Certificate]:
    user = request_user(request)
    certificate = selectors.certificate_by_number(number)
    if certificate is None or not user.has_perm("certificates.view_certificate", certificate):
        raise Http404("证照不存在")
    return user, certificate


@router.get("/verify/{token}", response=VerificationOut, summary="按二维码核验证照（公开）")
def verify_token(request: HttpRequest, token: str) -> dict[str, Any]:
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        raise Http404("没有找到这份证照")
    return _verification(certificate_status(certificate))


@router.post("/verify", response=VerificationOut, summary="上传证照文件核验（公开）")
def verify_file(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    data, error = read_upload(file)
    if data is None:
        raise ValidationError({"file": [error]})
    return _verification(certificate_verify(data))


@router.get("/mine", response=list[CertificateOut], auth=session, summary="我的证照")
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    return [
        {
            "number": c.number,
            "type": c.type.code,
            "type_name": c.type.name,
            "holder": c.holder_name,
            "issuer": c.issuer.name,
            "issued_on": c.issued_on,
            "valid_until": c.valid_until,
            "status": certificate_status(c).status,
            "case": c.case.number if c.case else None,
            "verify_token": c.token,
        }
        for c in selectors.certificates_held(user)[:200]
    ]


@router.get("/{number}/pdf", auth=session, summary="下载签章PDF（持证者、发证部门）")
def pdf(request: HttpRequest, number: str) -> HttpResponse:
    user, certificate = _visible(request, number)
    data = certificate_file(certificate=certificate, actor=user)
    return pdf_response(data, f"{certificate.number}.pdf", attachment=True)


@router.post(
    "/{number}/revoke", response=VerificationOut, auth=session, summary="撤销证照（发证部门）"
)
def revoke(request: HttpRequest, number: str, body: CertificateRevokeIn) -> dict[str, Any]:
    user, certificate = _visible(request, number)
    revoked = certificate_revoke(certificate=certificate, actor=user, reason=body.reason)
    return _verification(certificate_status(revoked))
