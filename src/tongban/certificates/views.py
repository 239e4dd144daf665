"""Pages: public verification (from the QR code, or by uploading the file), and the holder's
own certificates with their signed PDFs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.accounts.requests import request_user
from tongban.certificates import selectors
from tongban.certificates.services import (
    Verification,
    certificate_file,
    certificate_status,
    certificate_verify,
    read_upload,
)
from tongban.core.downloads import pdf_response


def verify_upload(request: HttpRequest) -> HttpResponse:
    result: Verification | None = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        data, error = read_upload(upload if isinstance(upload, UploadedFile) else None)
        if data is not None:
            result = certificate_verify(data)
    return render(
        request,
        "certificates/verify.html",
        {
            "result": result,
            "error": error,
            "facts": selectors.public_facts(result.certificate)
            if result and result.certificate
            else None,
        },
        status=400 if error else 200,
    )


def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        raise Http404("没有找到这份证照，请核对二维码")
    return render(
        request,
        "certificates/verify.html",
        {
            "result": certificate_status(certificate),
            "facts": selectors.public_facts(certificate),
            "from_qr": True,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.certificates_held(user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/mine.html",
        {"page": page, "rows": [(c, certificate_status(c)) for c in page]},
    )


@login_required
def download(request: HttpRequest, number: str) -> HttpResponse:
    user = request_user(request)
    certificate = selectors.certificate_by_number(number)
    if certificate is None or not user.has_perm("certificates.view_certificate", certificate):
        raise Http404("证照不存在")
    try:
        data = certificate_file(certificate=certificate, actor=user)
    except PermissionDenied as exc:  # pragma: no cover — checked above
        raise Http404("证照不存在") from exc
    response = pdf_response(data, f"{certificate.number}.pdf", attachment=True)
    return response
