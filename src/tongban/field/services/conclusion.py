"""The end of an inspection, from the phone: the department's conclusion (通过, 限期整改 with
a re-inspection, 不通过 with the reasons), told to the case's timeline and the applicant; and,
where the item allows it, the licence issued on the spot (现场发证). Each once, like every
write from the phone (`writes.write_once`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.services.events import case_event
from tongban.catalog.inspections import DEFAULT_LIMIT_DAYS, inspection_rule
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict
from tongban.core.texts import said
from tongban.field.models import (
    FieldVisit,
    FieldWrite,
    Inspection,
    VisitSignature,
)
from tongban.field.services.commitments import commitment_after_check
from tongban.field.services.inspections import inspection_open
from tongban.field.services.writes import (
    RECTIFY_DAYS_MAX,
    Written,
    inspection_on,
    still_open,
    text_of,
    write_once,
)
from tongban.notify.services import notify

# --- conclusion ---------------------------------------------------------------------------

OUTCOMES = {
    "pass": Inspection.State.PASSED,
    "rectify": Inspection.State.RECTIFY,
    "fail": Inspection.State.FAILED,
}


def _ready_to_conclude(inspection: Inspection, locked: FieldVisit, outcome: str) -> None:
    entries = {e.code: e.verdict for e in inspection.entries.all()}
    missing = [c["text"][:20] for c in inspection.checklist if c["code"] not in entries]
    if missing:
        raise ValidationError({"result": [f"还有{len(missing)}项未核查：{'；'.join(missing)}"]})
    verdicts = set(entries.values())
    if outcome == "pass" and verdicts - {"pass", "na"}:
        raise ValidationError({"result": ["有核查项不符合或须整改，不能作出核查通过的结论"]})
    if outcome == "rectify" and "rectify" not in verdicts:
        raise ValidationError({"result": ["没有须整改的核查项"]})
    inspectors = set(
        locked.assignments.filter(department_id=inspection.department_id).values_list(
            "inspector_id", flat=True
        )
    )
    signed = set(
        locked.signatures.filter(role=VisitSignature.Role.INSPECTOR).values_list(
            "signer_id", flat=True
        )
    )
    if inspectors - signed:
        raise ValidationError({"result": ["本部门每名核查人员都须在现场签名"]})
    if not locked.signatures.filter(role=VisitSignature.Role.APPLICANT).exists():
        raise ValidationError({"result": ["申请人（或其代表）须在现场签名确认"]})


def inspection_conclude(
    *,
    actor: User,
    visit: FieldVisit,
    client_id: Any,
    inspection_id: Any,
    result: Any,
    note: Any = "",
    rectify_days: Any = None,
) -> Written:
    """The department's conclusion: 通过; 限期整改 with a deadline, after which the site is
    inspected again (a new round); or 不通过 with the reasons. The case's timeline and the
    applicant are told."""

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = inspection_on(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        still_open(inspection)
        if result not in OUTCOMES:
            raise ValidationError({"result": ["核查结论应为通过、限期整改或不通过"]})
        text = text_of(note, "note", "核查意见", required=result != "pass")
        _ready_to_conclude(inspection, locked, str(result))
        if (
            result == "rectify"
            and inspection.purpose == Inspection.Purpose.POST_CHECK
            and inspection.round > 1
        ):
            raise ValidationError({"result": ["整改后的复查只能作出通过或不通过的结论"]})
        today = clock.localdate()
        if result == "rectify":
            try:
                days = int(rectify_days)
            except (TypeError, ValueError) as exc:
                raise ValidationError({"rectify_days": ["请填写整改期限（工作日）"]}) from exc
            if not 1 <= days <= RECTIFY_DAYS_MAX:
                raise ValidationError(
                    {"rectify_days": [f"整改期限应为1至{RECTIFY_DAYS_MAX}个工作日"]}
                )
            inspection.rectify_due = add_working_days(today, days)
        inspection.state = OUTCOMES[str(result)]
        inspection.result_note = text
        inspection.concluded_at = timezone.now()
        inspection.concluded_by = actor
        inspection.warning = ""
        inspection.save()
        _told(inspection, actor)
        if inspection.rectify_due is not None:
            # The re-inspection: a new round on a new visit, due the item's limit after the
            # rectification deadline.
            rule = inspection_rule(inspection.case.item.inspection)
            limit = rule.limit_days if rule is not None else DEFAULT_LIMIT_DAYS
            inspection_open(
                inspection.case,
                rule,
                previous=inspection,
                due=add_working_days(inspection.rectify_due, limit),
            )
        if inspection.purpose == Inspection.Purpose.POST_CHECK:
            commitment_after_check(inspection)
        if not locked.inspections.filter(state=Inspection.State.OPEN).exists():
            locked.state = FieldVisit.State.DONE
            locked.finished_at = timezone.now()
            locked.save(update_fields=["state", "finished_at"])
        return str(inspection.pk)

    return write_once(client_id=client_id, visit=visit, kind="conclude", actor=actor, write=write)


def _told(inspection: Inspection, actor: User) -> None:
    label = Inspection.State(inspection.state).label
    note = said(
        gettext_noop("现场核查（第{round}轮）：{result}"), round=inspection.round, result=label
    )
    if inspection.result_note:
        note = said(gettext_noop("{note}。{finding}"), note=note, finding=inspection.result_note)
    if inspection.rectify_due:
        note = said(
            gettext_noop("{note}。请于{due}前完成整改，届时将再次现场核查"),
            note=note,
            due=inspection.rectify_due,
        )
    case = inspection.case
    case_event(
        case,
        actor=actor,
        action="inspection",
        note=note,
        data={"inspection": inspection.pk, "state": inspection.state},
    )
    audit_log(
        action="inspection.conclude",
        obj=inspection,
        changes={"state": inspection.state, "rectify_due": str(inspection.rectify_due or "")},
    )
    notify(
        recipients=[case.applicant],
        subject=said(gettext_noop("现场核查结果：{result}"), result=label),
        body=said(
            gettext_noop("您的“{item}”办件{number}：{note}。"),
            item=case.item,
            number=case.number or "",
            note=note,
        ),
        ref=f"case:{case.pk}",
    )


# --- on-site certification ----------------------------------------------------------------

# The steps that take a submitted case to its result, by the state it is in.
TO_RESULT = ("submitted", "pre_review", "accepted", "in_review", "decided")


def onsite_certify(
    *, actor: User, visit: FieldVisit, client_id: Any, inspection_id: Any
) -> Written:
    """现场发证: where the item allows it, the assigned inspector issues the licence on the
    spot once the inspection has passed and the application is in: the platform takes the
    case to its decision and result (the certificate, signed as always) on the inspector's
    word, each step on the timeline naming them."""
    from tongban.cases.models import Case
    from tongban.cases.services import lifecycle as lc

    def write(locked: FieldVisit, record: FieldWrite) -> str:
        inspection = inspection_on(locked, inspection_id)
        if not actor.has_perm("field.conclude", inspection):
            raise PermissionDenied("您不是该部门指派的核查人员")
        rule = inspection_rule(inspection.case.item.inspection)
        if rule is None or "on_site" not in rule.modes:
            raise ValidationError({"inspection_id": ["该事项不支持当场发证"]})
        if inspection.state != Inspection.State.PASSED:
            raise Conflict("现场核查通过后才能当场发证")
        case = Case.objects.select_related("item").get(pk=inspection.case_id)
        if case.state == "draft":
            raise Conflict("请申请人先提交申请，再当场发证")
        if case.state not in TO_RESULT:
            raise Conflict(f"办件当前为“{case.get_state_display()}”，不能当场发证")
        cause = f"现场发证（核查人员：{actor.real_name or actor.username}）"
        if case.state == "submitted":
            case = lc.case_start_pre_review(case=case, actor=None, cause=cause)
        if case.state == "pre_review":
            case = lc.case_accept(case=case, actor=None, cause=cause)
        if case.state == "accepted":
            case = lc.case_start_review(case=case, actor=None, cause=cause)
        if case.state == "in_review":
            case = lc.case_decide(
                case=case,
                actor=None,
                decision="grant",
                reason="现场核查通过，当场作出准予许可决定",
                cause=cause,
            )
        lc.case_produce_result(case=case, actor=None, cause=cause)
        audit_log(action="inspection.certify_on_site", obj=inspection, changes={"case": case.pk})
        return str(case.pk)

    return write_once(
        client_id=client_id,
        visit=visit,
        kind="certify",
        actor=actor,
        write=write,
        states=(FieldVisit.State.SCHEDULED, FieldVisit.State.DONE),
    )
