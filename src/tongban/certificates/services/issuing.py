"""Issuing certificates with a case's result (and the joint review's opinion form), revoking
them, and handing the signed file to those who may have it. Every issue, revocation and
download is audited; an issue is written in the caller's transaction, so a failure leaves
no number used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import Department, User
from tongban.cases.joint.models import JointReview
from tongban.cases.models import Case, Decision
from tongban.cases.services.events import case_event
from tongban.certificates.models import Certificate, CertificateType, HolderKind, Template
from tongban.certificates.numbering import number_next
from tongban.certificates.render import certificate_pdf
from tongban.certificates.signers import seal_signer
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.texts import said
from tongban.forms.services import item_form
from tongban.forms.values import display_value


def type_for_case(case: Case) -> CertificateType | None:
    """The type the case's result is: the item's certificate on a grant, else the decision."""
    if case.decision == Decision.GRANT:
        for kind in CertificateType.objects.filter(active=True, fallback=False):
            if case.item.basic_code in (kind.items or []):
                return kind
    return CertificateType.objects.filter(active=True, fallback=True).first()


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
    certificate = _new(
        kind,
        holder=_holder(kind, case),
        applicant=case.applicant,
        issuer=case.department,
        valid_until=_valid_until(kind, today),
        case=case,
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
    _seal_and_save(certificate, rows, extra)
    _on_timeline(certificate, [case], actor)
    return certificate


def _new(
    kind: CertificateType,
    *,
    holder: tuple[str, str, str],
    applicant: User,
    issuer: Department,
    valid_until: dt.date | None,
    case: Case | None = None,
    joint_review: JointReview | None = None,
) -> Certificate:
    """An unsaved certificate of `kind` issued today, numbered, with the seal that signs it."""
    today = clock.localdate()
    info = seal_signer().info()
    return Certificate(
        type=kind,
        case=case,
        joint_review=joint_review,
        holder_kind=holder[0],
        holder_name=holder[1],
        holder_key=holder[2],
        holder_user=applicant,
        issuer=issuer,
        issued_on=today,
        valid_until=valid_until,
        token=secrets.token_urlsafe(16),
        seal_holder=info.holder,
        seal_fingerprint=info.fingerprint,
        number=number_next(kind, year=today.year, region=settings.REGION_CODE),
    )


def _on_timeline(certificate: Certificate, cases: list[Case], actor: User | None) -> None:
    for case in cases:
        case_event(
            case,
            actor=actor,
            action="issue_certificate",
            note=said(
                gettext_noop("签发{kind}（编号 {number}），加盖{holder}电子印章"),
                kind=certificate.type,
                number=certificate.number,
                holder=certificate.seal_holder,
            ),
            data={"certificate": certificate.number},
        )


def _seal_and_save(
    certificate: Certificate, rows: list[tuple[str, str]], extra: dict[str, Any]
) -> None:
    """Render, sign with the one seal, store with the file's digest, audit."""
    kind = certificate.type
    unsigned = certificate_pdf(certificate, rows=rows, extra=extra)
    signed = seal_signer().sign(
        unsigned, reason=f"{kind.name} {certificate.number}", location=settings.CITY_NAME
    )
    certificate.pdf = signed
    certificate.sha256 = hashlib.sha256(signed).hexdigest()
    certificate.save()
    audit_log(
        action="certificates.issue",
        obj=certificate,
        changes={
            "number": certificate.number,
            "type": kind.code,
            "case": certificate.case.number if certificate.case else None,
            "joint_review": certificate.joint_review_id,
            "sha256": certificate.sha256,
            "seal": certificate.seal_fingerprint,
        },
    )


def opinion_issue(*, review: JointReview, actor: User | None = None) -> Certificate | None:
    """The joint review's one opinion form with its decision, signed with the one seal
    (一表给意见、一章管审批), issued when the lead department decides."""
    kind = CertificateType.objects.filter(active=True, template=Template.OPINION).first()
    if kind is None:
        return None
    existing = Certificate.objects.filter(joint_review=review).first()
    if existing is not None:
        return existing
    agenda = list(review.cases.select_related("item", "department", "enterprise", "applicant"))
    first = agenda[0]
    parent = review.bundle_case
    if first.enterprise is not None:
        holder = (HolderKind.ENTERPRISE, first.enterprise.name, first.enterprise.uscc)
    else:
        person = first.applicant
        holder = (HolderKind.PERSON, person.real_name or person.username, person.id_number or "")
    certificate = _new(
        kind,
        holder=holder,
        applicant=first.applicant,
        issuer=review.lead_department,
        valid_until=None,
        joint_review=review,
    )
    opinions = list(review.opinions.select_related("department"))
    certificate.data = {
        "bundle": parent.bundle.name if parent else first.item.name,
        "decision": review.decision,
        "opinions": {o.department.code: o.opinion for o in opinions},
    }
    extra = {
        "review": review,
        "agenda": agenda,
        "opinions": opinions,
        "subject": certificate.data["bundle"],
        "granted": review.decision == Decision.GRANT,
    }
    _seal_and_save(certificate, [], extra)
    _on_timeline(certificate, agenda, actor)
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
