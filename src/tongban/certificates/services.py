"""Issuing, revoking and verifying electronic certificates.

A certificate is issued when a case's result is produced (cases' result makers): the type the
item issues on a grant, else the generic decision document. Its number, its PDF, the seal's
signature and its record are written in the producing transaction, so a failure leaves no
number used and no case marked ready. Every issue, revocation and download is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Department, User
from tongban.cases.models import Case, Decision
from tongban.cases.services.events import case_event
from tongban.certificates.models import Certificate, CertificateType, HolderKind, Template
from tongban.certificates.numbering import number_next, pattern_problems
from tongban.certificates.render import certificate_pdf
from tongban.certificates.signers import run_coroutine, seal_signer, seal_signers
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.exchange.models import DataResource, SubjectKind
from tongban.exchange.services.grants import resource_define
from tongban.forms.services import item_form
from tongban.forms.values import display_value

SOURCE_ROOTS = {"enterprise", "applicant", "form", "case", "item", "department"}
MAX_FILE_BYTES = 20 * 1024 * 1024


# --- certificate types -----------------------------------------------------------------------


def _field_problems(fields: Any) -> list[str]:
    if not isinstance(fields, list) or not fields:
        return ["证面字段须为非空列表"]
    problems, seen = [], set()
    for i, spec in enumerate(fields, 1):
        if not isinstance(spec, Mapping) or not {"code", "label", "source"} <= set(spec):
            problems.append(f"第{i}个证面字段须有 code、label、source")
            continue
        if spec["code"] in seen:
            problems.append(f"证面字段编码重复：{spec['code']}")
        seen.add(spec["code"])
        source = str(spec["source"])
        root = source.split(".", 1)[0]
        if not source.startswith("=") and (root not in SOURCE_ROOTS or "." not in source):
            problems.append(f"证面字段“{spec['label']}”的来源无法识别：{source}")
    return problems


def type_problems(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Why a certificate type's definition cannot be used, by field (empty when it can)."""
    errors: dict[str, list[str]] = {}
    if problems := pattern_problems(str(spec.get("number_pattern", ""))):
        errors["number_pattern"] = problems
    if problems := _field_problems(spec.get("fields")):
        errors["fields"] = problems
    if spec.get("template") not in Template.values:
        errors["template"] = ["版式无效"]
    if spec.get("holder_kind") not in HolderKind.values:
        errors["holder_kind"] = ["持证主体无效"]
    items = spec.get("items") or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors["items"] = ["签发事项须为事项基本编码的列表"]
    return errors


def type_define(*, code: str, provider: Department | None = None, **spec: Any) -> CertificateType:
    """Create or update a certificate type (the fixture), then publish it to the certificate
    library's exchange resource. A bad definition is refused, naming the field."""
    if errors := type_problems(spec):
        raise ValidationError(errors)
    with transaction.atomic():
        kind, created = CertificateType.objects.update_or_create(code=code, defaults=spec)
        audit_log(
            action="certificates.type.define",
            obj=kind,
            changes={"created": created, "code": code, "items": kind.items},
        )
        type_publish(kind, provider)
    return kind


def type_publish(kind: CertificateType, provider: Department | None = None) -> None:
    """Publish the type to the exchange (its provider: the given department, else the one
    already publishing it). A type without a resource code is not shared."""
    if not kind.resource_code:
        return
    if provider is None:
        existing = DataResource.objects.filter(code=kind.resource_code).first()
        if existing is None:
            return
        provider = existing.provider
    _publish(kind, provider)


def _publish(kind: CertificateType, provider: Department) -> DataResource:
    subject = SubjectKind.ENTERPRISE if kind.holder_kind == HolderKind.ENTERPRISE else "person"
    fields = [
        {"code": "certificate_no", "label": "证照编号", "sensitivity": "public"},
        {"code": "holder", "label": "持证者", "sensitivity": "public"},
        {"code": "issued_on", "label": "发证日期", "sensitivity": "public"},
        {"code": "valid_until", "label": "有效期至", "sensitivity": "public"},
    ] + [
        {"code": f["code"], "label": f["label"], "sensitivity": f.get("sensitivity", "internal")}
        for f in kind.fields
    ]
    # A resource the catalogue already names (营业执照登记信息) keeps its name and summary.
    named = (
        {}
        if DataResource.objects.filter(code=kind.resource_code).exists()
        else {
            "name": kind.name,
            "description": f"本平台签发的{kind.name}（电子证照库）",
        }
    )
    return resource_define(
        code=kind.resource_code,
        provider=provider,
        fields=fields,
        **named,
        kind=DataResource.Kind.CERTIFICATE,
        sharing_class="unconditional",
        subject_kind=subject,
        update_frequency="realtime",
        issued_by_item=kind.items[0] if kind.items else "",
        provider_plugin="certificates",
    )


def types_load(text: str) -> list[CertificateType]:
    """Define every type in a `tongban-certificates/1` YAML document (the demo city's)."""
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or doc.get("format") != "tongban-certificates/1":
        raise ValidationError({"format": ["证照目录格式应为 tongban-certificates/1"]})
    out = []
    for spec in doc.get("types") or []:
        spec = dict(spec)
        provider = spec.pop("provider", None)
        department = Department.objects.get(code=provider) if provider else None
        out.append(type_define(provider=department, **spec))
    return out


def demo_types_text() -> str:
    return (
        resources.files("tongban.certificates")
        .joinpath("fixtures/certificate_types.yaml")
        .read_text(encoding="utf-8")
    )


def type_for_case(case: Case) -> CertificateType | None:
    """The type the case's result is: the item's certificate on a grant, else the decision."""
    if case.decision == Decision.GRANT:
        for kind in CertificateType.objects.filter(active=True, fallback=False):
            if case.item.basic_code in (kind.items or []):
                return kind
    return CertificateType.objects.filter(active=True, fallback=True).first()


# --- issuing ---------------------------------------------------------------------------------


def _value(source: str, case: Case) -> str:
    if source.startswith("="):
        return source[1:]
    root, _, attr = source.partition(".")
    if root == "form":
        value = (case.form_data or {}).get(attr, "")
        schema = item_form(case.item)
        if isinstance(value, list | dict):
            return ""
        if value not in ("", None) and attr in {f.key for f in schema.fields}:
            return display_value(schema.field(attr), value)
        return str(value)
    target: Any = {
        "enterprise": case.enterprise,
        "applicant": case.applicant,
        "case": case,
        "item": case.item,
        "department": case.department,
    }.get(root)
    value = getattr(target, attr, "") if target is not None else ""
    if isinstance(value, dt.date):
        return f"{value:%Y年%-m月%-d日}"
    return "" if value is None else str(value)


def _holder(kind: CertificateType, case: Case) -> tuple[str, str, str]:
    if case.enterprise is not None and (
        kind.holder_kind == HolderKind.ENTERPRISE or kind.template == Template.DECISION
    ):
        return HolderKind.ENTERPRISE, case.enterprise.name, case.enterprise.uscc
    person = case.applicant
    return HolderKind.PERSON, person.real_name or person.username, person.id_number or ""


def _valid_until(kind: CertificateType, issued: dt.date) -> dt.date | None:
    if not kind.validity_years:
        return None
    try:
        end = issued.replace(year=issued.year + kind.validity_years)
    except ValueError:  # 29 February
        end = issued.replace(year=issued.year + kind.validity_years, day=28)
    return end - dt.timedelta(days=1)


def certificate_issue(*, case: Case, actor: User | None = None) -> Certificate | None:
    """Issue the case's result as a signed certificate (inside the caller's transaction)."""
    kind = type_for_case(case)
    if kind is None:
        return None
    existing = Certificate.objects.filter(case=case, type=kind).first()
    if existing is not None:
        return existing
    today = clock.localdate()
    holder_kind, holder_name, holder_key = _holder(kind, case)
    seal = seal_signer()
    info = seal.info()
    certificate = Certificate(
        type=kind,
        case=case,
        holder_kind=holder_kind,
        holder_name=holder_name,
        holder_key=holder_key,
        holder_user=case.applicant,
        issuer=case.department,
        issued_on=today,
        valid_until=_valid_until(kind, today),
        token=secrets.token_urlsafe(16),
        seal_holder=info.holder,
        seal_fingerprint=info.fingerprint,
        number=number_next(kind, year=today.year, region=settings.REGION_CODE),
    )
    certificate.data = {f["code"]: _value(str(f["source"]), case) for f in kind.fields}
    rows = [(str(f["label"]), certificate.data[f["code"]]) for f in kind.fields]
    granted = case.decision == Decision.GRANT
    extra = {
        "decision_title": f"{'准予' if granted else '不予'}行政许可决定书",
        "granted": granted,
        "decision_text": (
            f"符合法定条件、标准，决定准予{case.item.name}。"
            if granted
            else f"不符合法定条件、标准，决定不予{case.item.name}。"
        ),
        "reason": case.decision_reason,
        "item_name": case.item.name,
        "case_number": case.number,
        "applied_on": timezone.localdate(case.submitted_at) if case.submitted_at else today,
        "accepted_on": case.accepted_on or today,
    }
    unsigned = certificate_pdf(certificate, rows=rows, extra=extra)
    signed = seal.sign(
        unsigned, reason=f"{kind.name} {certificate.number}", location=settings.CITY_NAME
    )
    certificate.pdf = signed
    certificate.sha256 = hashlib.sha256(signed).hexdigest()
    certificate.save()
    case_event(
        case,
        actor=actor,
        action="issue_certificate",
        note=f"签发{kind.name}（编号 {certificate.number}），加盖{info.holder}电子印章",
        data={"certificate": certificate.number},
    )
    audit_log(
        action="certificates.issue",
        obj=certificate,
        changes={
            "number": certificate.number,
            "type": kind.code,
            "case": case.number,
            "sha256": certificate.sha256,
            "seal": info.fingerprint,
        },
    )
    return certificate


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": ["请填写撤销原因"]})
    if not actor.has_perm("certificates.revoke_certificate", certificate):
        raise PermissionDenied("只有发证部门的审查人员或管理员可以撤销证照")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.state == Certificate.State.REVOKED:
            raise ValidationError({"state": ["该证照已撤销"]})
        locked.state = Certificate.State.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = text[:300]
        locked.revoked_by = actor
        locked.save(update_fields=["state", "revoked_at", "revoked_reason", "revoked_by"])
        audit_log(
            action="certificates.revoke",
            obj=locked,
            changes={"number": locked.number, "state": ["valid", "revoked"], "reason": text},
        )
    return locked


def certificate_file(*, certificate: Certificate, actor: User) -> bytes:
    """The signed PDF for its holder or staff who may see it; the read is audited."""
    if not actor.has_perm("certificates.view_certificate", certificate):
        raise PermissionDenied("无权查看该证照")
    audit_log(
        action="certificates.download",
        obj=certificate,
        changes={"number": certificate.number},
    )
    return bytes(certificate.pdf)


# --- verification ----------------------------------------------------------------------------


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
            f"该证照已于{when:%Y年%-m月%-d日}撤销：{certificate.revoked_reason}"
            if when
            else "该证照已撤销",
            certificate,
        )
    if certificate.expired_on(day):
        return Verification(
            "expired",
            f"该证照已过有效期（有效期至{certificate.valid_until:%Y年%-m月%-d日}）",
            certificate,
        )
    return Verification("valid", "证照真实有效", certificate)


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

    tampered = Verification("tampered", "文件已被篡改或损坏：内容与签章时不一致")
    if not data.startswith(b"%PDF-"):
        return Verification("unsigned", "不是PDF文件")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — any parse failure of a signed file means it was changed
        return tampered
    if not signatures:
        return Verification("unsigned", "文件中没有电子印章，无法核验")
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
            "untrusted", "电子印章完好，但不是由本平台信任的机构签发", signed_by=signed_by
        )
    digest = hashlib.sha256(data).hexdigest()
    certificate = Certificate.objects.select_related("type", "issuer").filter(sha256=digest).first()
    if certificate is None:
        return Verification(
            "unknown", "电子印章有效，但本平台没有这份证照的记录", signed_by=signed_by
        )
    found = certificate_status(certificate)
    return Verification(
        found.status, found.message, certificate, signed_by, status.signer_reported_dt
    )
