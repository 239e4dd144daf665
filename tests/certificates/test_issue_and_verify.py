"""Issuing a certificate with the case's result, its signed PDF, and verification: valid,
tampered, revoked, expired, unsigned, untrusted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from tests.certificates.conftest import walk_to_result
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.certificates.models import Certificate
from tongban.certificates.numbering import number_checks
from tongban.certificates.services import (
    certificate_revoke,
    certificate_verify,
)
from tongban.certificates.signers import DemoSealSigner, seal_signer
from tongban.core.audit import audit_verify


def _validate_with_pyhanko(data: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=seal_signer().trust_roots())
    )
    return bool(status.bottom_line)


def test_the_result_is_a_signed_certificate(issued: Case, zhangsan: User) -> None:
    certificate = Certificate.objects.get(case=issued)
    assert certificate.type.code == "food_business"
    assert certificate.number.startswith("JY1610100") and len(certificate.number) == 16
    assert number_checks("JY1{region}{seq:06d}{check}", certificate.number)
    assert certificate.holder_name == "张三" and certificate.holder_key == zhangsan.id_number
    assert certificate.valid_until == certificate.issued_on.replace(
        year=certificate.issued_on.year + 5
    ) - dt.timedelta(days=1)
    data = bytes(certificate.pdf)
    assert _validate_with_pyhanko(data)
    text = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    for expected in (
        "食品经营许可证",
        certificate.number,
        "张三",
        "示例路1号",
        "测试市市场监督管理局",
    ):
        assert expected in text
    events = list(issued.events.values_list("action", flat=True))
    assert events[-2:] == ["produce_result", "issue_certificate"]
    assert audit_verify().ok


def test_verification_valid_then_tampered_by_one_byte(issued: Case) -> None:
    certificate = Certificate.objects.get(case=issued)
    data = bytes(certificate.pdf)
    result = certificate_verify(data)
    assert result.status == "valid" and result.certificate == certificate
    assert "行政审批服务局" in result.signed_by
    for position in (len(data) // 3, len(data) // 2, len(data) - 300):
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        assert certificate_verify(bytes(flipped)).status == "tampered", position
    appended = data + b"\n% appended after signing\n"
    assert certificate_verify(appended).status == "tampered"


def test_revoked_and_expired(issued: Case, reviewer: User, zhangsan: User) -> None:
    certificate = Certificate.objects.get(case=issued)
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, actor=zhangsan, reason="测试")
    with pytest.raises(ValidationError) as error:
        certificate_revoke(certificate=certificate, actor=reviewer, reason=" ")
    assert "reason" in error.value.message_dict
    certificate_revoke(certificate=certificate, actor=reviewer, reason="以欺骗手段取得许可")
    result = certificate_verify(bytes(certificate.pdf))
    assert result.status == "revoked" and "以欺骗手段取得许可" in result.message
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=reviewer, reason="再次撤销")

    other = Certificate.objects.get(pk=certificate.pk)
    Certificate.objects.filter(pk=other.pk).update(
        state="valid", revoked_at=None, valid_until=dt.date(2020, 1, 1)
    )
    assert certificate_verify(bytes(other.pdf)).status == "expired"


def test_a_file_without_seal_or_from_another_authority(issued: Case, tmp_path: object) -> None:
    from tongban.core.pdf import render_pdf

    plain = render_pdf("forms/bench_bare.html", {})
    assert certificate_verify(plain).status == "unsigned"
    assert certificate_verify(b"not a pdf").status == "unsigned"
    stranger = DemoSealSigner(folder=tmp_path / "other-city")  # type: ignore[operator]
    signed = stranger.sign(plain, reason="测试", location="别的城市")
    assert certificate_verify(signed).status == "untrusted"


def test_a_denial_issues_the_decision_document(
    submitted: Case, clerk: User, reviewer: User, licence_type: object, decision_type: object
) -> None:
    case = walk_to_result(submitted, clerk, reviewer, decision="deny")
    certificate = Certificate.objects.get(case=case)
    assert certificate.type.code == "approval_decision"
    assert "审批决〔" in certificate.number
    text = "".join(PdfReader(io.BytesIO(bytes(certificate.pdf))).pages[0].extract_text().split())
    assert "不予行政许可决定书" in text and "场所不符合要求" in text
    assert certificate_verify(bytes(certificate.pdf)).status == "valid"


def test_the_library_serves_the_newest_valid_certificate(issued: Case, reviewer: User) -> None:
    from tongban.exchange.models import DataResource
    from tongban.exchange.providers import providers

    certificate = Certificate.objects.get(case=issued)
    resource = DataResource.objects.get(code="cert.food_business")
    assert resource.issued_by_item == issued.item.basic_code
    library = providers.get(resource.provider_plugin)
    record = library.fetch(
        resource, certificate.holder_key, ["certificate_no", "holder", "valid_until", "premises"]
    )
    assert record == {
        "certificate_no": certificate.number,
        "holder": "张三",
        "valid_until": certificate.valid_until.isoformat(),  # type: ignore[union-attr]
        "premises": "陕西省西安市新城区示例路1号",
    }
    certificate_revoke(certificate=certificate, actor=reviewer, reason="依法撤销")
    assert library.fetch(resource, certificate.holder_key, ["certificate_no"]) is None
