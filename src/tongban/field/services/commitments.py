"""告知承诺: a licence on commitment (国办发〔2020〕42号).

1. Where the item offers it (`catalog.commitments`), the applicant signs a commitment with
   the application: the promise's text shown on the draft page, signed with the account (the
   sign-in password entered again), its digest in the audit chain. The materials it replaces
   are not asked for.
2. The platform issues the licence at once: it takes the case through acceptance, review,
   a grant and the result itself (the steps' cause: 告知承诺), and the case is marked.
3. A post-check inspection of the promised conditions opens with it, due `post_check_days`
   working days later (30 by default), carried out like any inspection.
4. A promise that does not hold: a rectification order with a deadline and a re-check; a
   re-check that fails, or a post-check that finds the premises cannot meet it, leaves the
   commitment broken, and the department revokes the licence with the reason
   (`commitment_revoke`): the certificate's verification then says revoked, and a credit
   record is written against the applicant, shown to the reviewer of their next application
   and shared on the exchange (`res.commitment_credit`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.events import case_event
from tongban.cases.services.followers import Transition
from tongban.catalog.commitments import CommitmentRule, commitment_rule
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.core.ids import normalize_id_number
from tongban.core.texts import said
from tongban.field.models import Commitment, CreditRecord, FieldVisit, Inspection
from tongban.field.services.sites import address_of
from tongban.notify.services import notify

PANEL = "commitment"
CAUSE = "告知承诺"
SIGNED = ("on", "1", "true", "yes")


def rule_for(case: Case) -> CommitmentRule | None:
    """The item's commitment rule when it applies to the case's situations."""
    rule = commitment_rule(case.item.commitment)
    chosen = [f"{s}.{o}" for s, o in (case.situations or {}).items()]
    if rule is None or not rule.applies(chosen):
        return None
    return rule


def commitment_of(case: Case) -> Commitment | None:
    return Commitment.objects.filter(case=case).first()


def _who(case: Case) -> str:
    if case.enterprise_id is not None:
        return case.enterprise.name  # type: ignore[union-attr]
    return case.applicant.real_name or case.applicant.username


def commitment_text(case: Case, rule: CommitmentRule) -> str:
    """The promise as the applicant reads and signs it."""
    bases = {b.key: str(b) for b in case.item.legal_bases.all()}
    lines = [
        "告知承诺书",
        f"{_who(case)}申请办理“{case.item.name}”，自愿选择告知承诺制，郑重承诺：",
    ]
    for n, promise in enumerate(rule.conditions, start=1):
        basis = bases.get(promise.basis, "")
        lines.append(f"{n}. {promise.text}" + (f"（依据：{basis}）" if basis else ""))
    if rule.waives:
        lines.append(f"以上承诺代替提交：{'、'.join(rule.waives)}。")
    lines.append(
        f"本人已知晓：许可机关将在发证后{rule.post_check_days}个工作日内现场核查承诺内容；"
        f"承诺不实的，责令限期整改（一般{rule.rectify_days}个工作日），逾期未整改或整改后仍"
        "不符合的，依法撤销许可，并记入信用记录、通过数据共享平台共享。"
    )
    basis = bases.get(rule.basis, "")
    if basis:
        lines.append(f"告知承诺依据：{basis}")
    return "\n".join(lines)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _waived_ids(case: Case, names: Any) -> set[int]:
    wanted = set(names or [])
    return {m.pk for m in case.item.materials.all() if m.name in wanted}


def _signing(extras: Mapping[str, Any]) -> Mapping[str, Any] | None:
    fields = extras.get(PANEL)
    if isinstance(fields, Mapping) and str(fields.get("sign", "")).lower() in SIGNED:
        return fields
    return None


def commitment_waiver(case: Case, extras: Mapping[str, Any]) -> set[int]:
    """What a signed commitment (or one being signed with this submission) replaces."""
    if not case.item.commitment:
        return set()
    signed = commitment_of(case) if case.pk and case.state != CaseState.DRAFT else None
    if signed is not None:
        return _waived_ids(case, signed.waived)
    if _signing(extras) is not None:
        rule = rule_for(case)
        if rule is not None:
            return _waived_ids(case, rule.waives)
    return set()


def _sign(case: Case, actor: User, fields: Mapping[str, Any]) -> Commitment:
    rule = rule_for(case)
    if rule is None:
        raise ValidationError({"commitment_sign": ["该事项（或所选情形）不适用告知承诺制"]})
    if not actor.has_perm("cases.act_as_applicant", case):
        raise PermissionDenied("只有申请人本人或其授权代办人可以签署告知承诺书")
    if not actor.check_password(str(fields.get("password") or "")):
        raise ValidationError({"commitment_password": ["签名验证失败：登录密码不正确"]})
    text = commitment_text(case, rule)
    digest = text_digest(text)
    if fields.get("sha256") and fields["sha256"] != digest:
        raise ValidationError({"commitment_sign": ["承诺书内容已更新，请重新阅读后签署"]})
    commitment = Commitment.objects.create(
        case=case,
        signer=actor,
        text=text,
        text_sha256=digest,
        conditions=[{"code": p.code, "text": p.text, "basis": p.basis} for p in rule.conditions],
        waived=list(rule.waives),
        signed_at=timezone.now(),
    )
    audit_log(
        action="commitment.sign",
        obj=commitment,
        changes={"case": case.pk, "signer": actor.pk, "sha256": digest},
    )
    case_event(
        case,
        actor=actor,
        action="commitment",
        note=said(gettext_noop("签署告知承诺书（电子签名）")),
    )
    return commitment


def commitment_sign_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """On submission: sign the commitment posted with it (a refusal refuses the submit)."""
    if transition.action != "submit" or actor is None:
        return
    fields = _signing(transition.data)
    if fields is not None:
        _sign(case, actor, fields)


def commitment_issue_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """After every other follower of the submission: a signed commitment's licence is issued
    at once, by the platform, through the ordinary steps."""
    if transition.action != "submit" or case.state != CaseState.SUBMITTED:
        return
    if not case.item.commitment or commitment_of(case) is None:
        return
    step = lc.case_start_pre_review(case=case, actor=None, cause=CAUSE)
    step = lc.case_accept(case=step, actor=None, cause=CAUSE)
    step = lc.case_start_review(case=step, actor=None, cause=CAUSE)
    step = lc.case_decide(
        case=step,
        actor=None,
        decision="grant",
        reason="申请人已签署告知承诺书，当场作出准予许可决定",
        cause=CAUSE,
    )
    lc.case_produce_result(case=step, actor=None, cause=CAUSE)
    case.refresh_from_db()  # the submission answers with the case as it now is


def post_check_open(case: Case, commitment: Commitment) -> Inspection:
    """The post-check of the promised conditions, at the case's site."""
    rule = commitment_rule(case.item.commitment)
    days = rule.post_check_days if rule is not None else 30
    today = clock.localdate()
    due = add_working_days(today, days)
    bases = {b.key: str(b) for b in case.item.legal_bases.all()}
    visit = FieldVisit.objects.create(address=address_of(case, None))
    inspection = Inspection.objects.create(
        case=case,
        department_id=case.department_id,
        visit=visit,
        purpose=Inspection.Purpose.POST_CHECK,
        checklist=[
            {
                "code": c["code"],
                "text": c["text"],
                "basis": c["basis"],
                "basis_text": bases.get(c["basis"], ""),
                "options": ["pass", "rectify", "fail"],
            }
            for c in commitment.conditions
        ],
        opened_on=today,
        due=due,
    )
    Commitment.objects.filter(pk=commitment.pk).update(post_check_due=due)
    audit_log(
        action="inspection.open", obj=inspection, changes={"post_check": True, "due": str(due)}
    )
    return inspection


def commitment_after_check(inspection: Inspection) -> None:
    """What a concluded post-check means for the commitment (in the conclusion's
    transaction)."""
    commitment = Commitment.objects.select_for_update().filter(case_id=inspection.case_id).first()
    if commitment is None:
        return
    if inspection.state == Inspection.State.PASSED:
        commitment.state = Commitment.State.KEPT
        commitment.closed_at = timezone.now()
    elif inspection.state == Inspection.State.RECTIFY:
        commitment.state = Commitment.State.RECTIFYING
    elif inspection.state == Inspection.State.FAILED:
        commitment.state = Commitment.State.BROKEN
        reviewers = User.objects.filter(
            is_active=True,
            department_id=inspection.department_id,
            role_grants__role=Role.REVIEWER,
        ).distinct()
        notify(
            recipients=list(reviewers),
            subject=said(gettext_noop("告知承诺核查不通过：请依法撤销许可")),
            body=said(
                gettext_noop(
                    "“{item}”办件{number}的告知承诺经现场核查不实（{finding}），请作出撤销许可决定。"
                ),
                item=inspection.case.item,
                number=inspection.case.number or "",
                finding=inspection.result_note,
            ),
            ref=f"case:{inspection.case_id}",
            channel_names=("inbox",),
        )
    else:
        return
    commitment.save(update_fields=["state", "closed_at"])
    audit_log(action="commitment.check", obj=commitment, changes={"state": commitment.state})


def _subject(case: Case) -> tuple[str, str]:
    if case.enterprise_id is not None:
        enterprise = case.enterprise
        return enterprise.uscc, enterprise.name  # type: ignore[union-attr]
    person = case.applicant
    return normalize_id_number(person.id_number or ""), person.real_name or person.username


@transaction.atomic
def commitment_revoke(*, actor: User, commitment: Commitment, reason: Any) -> Commitment:
    """撤销许可: the department revokes a licence issued on a commitment that did not hold.
    The certificate is revoked (its verification says so), the case's timeline and the
    applicant are told, and a credit record is written against the applicant."""
    from tongban.certificates.models import Certificate
    from tongban.certificates.services import certificate_revoke

    locked = Commitment.objects.select_for_update().select_related("case").get(pk=commitment.pk)
    case = locked.case
    if not actor.has_perm("field.revoke_commitment", case):
        raise PermissionDenied("只有发证部门的审批人员可以撤销许可")
    if locked.state != Commitment.State.BROKEN:
        raise Conflict(
            f"该告知承诺当前为“{locked.get_state_display()}”：只有核查不实的承诺才能撤销许可"
        )
    text = str(reason or "").strip()
    if not text:
        raise ValidationError({"reason": ["请填写撤销许可的理由"]})
    if len(text) > 300:
        raise ValidationError({"reason": ["撤销理由不能超过300字"]})
    for certificate in Certificate.objects.filter(case=case, state=Certificate.State.VALID):
        certificate_revoke(certificate=certificate, actor=actor, reason=f"告知承诺不实：{text}")
    locked.state = Commitment.State.REVOKED
    locked.revoked_reason = text
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "revoked_reason", "closed_at"])
    key, name = _subject(case)
    record = CreditRecord.objects.create(
        kind=CreditRecord.Kind.COMMITMENT_BROKEN,
        subject_key=key,
        subject_name=name,
        case=case,
        department_id=case.department_id,
        reason=text,
        recorded_on=clock.localdate(),
        recorded_by=actor,
    )
    case_event(
        case,
        actor=actor,
        action="revoke",
        note=said(gettext_noop("告知承诺不实，撤销许可：{reason}"), reason=text),
    )
    audit_log(
        action="commitment.revoke",
        obj=locked,
        changes={"state": ["broken", "revoked"], "credit_record": record.pk},
    )
    notify(
        recipients=[case.applicant],
        subject=said(gettext_noop("许可已撤销")),
        body=said(
            gettext_noop(
                "您以告知承诺方式取得的“{item}”（办件{number}）经现场核查承诺不实，"
                "已依法撤销：{reason}。该情况已记入信用记录。"
            ),
            item=case.item,
            number=case.number or "",
            reason=text,
        ),
        ref=f"case:{case.pk}",
    )
    return locked


def credit_records_for(case: Case) -> list[CreditRecord]:
    """The applicant's credit records (the enterprise's when the case is for one)."""
    key, _ = _subject(case)
    if not key:
        return []
    return list(
        CreditRecord.objects.filter(subject_key=key)
        .exclude(case=case)
        .select_related("department", "case__item")[:20]
    )
