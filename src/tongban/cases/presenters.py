"""Turning cases into the shapes pages and the API show, with personal data masked."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.clock import clock_status_safe, today
from tongban.core.masking import mask_name

ACTION_LABELS = {
    "draft": "创建申请",
    "submit": "提交申请",
    "pre_review": "开始预审",
    "request_correction": "要求补正",
    "resubmit": "补正后重新提交",
    "reject": "不予受理",
    "accept": "受理",
    "review": "开始审查",
    "suspend": "启动特别程序（暂停计时）",
    "resume": "结束特别程序（恢复计时）",
    "extend": "批准延期",
    "decide": "作出决定",
    "produce_result": "制作办理结果",
    "deliver": "送达",
    "complete": "办结",
    "withdraw": "撤回申请",
    "terminate": "终止办理",
}

NEXT_STEP = {
    CaseState.DRAFT: "请补全材料并提交申请",
    CaseState.CORRECTION: "请按补正要求重新提交材料",
    CaseState.RESULT_READY: "办理结果已制作，请按所选方式领取",
}


def applicant_label(case: Case, viewer: User) -> str:
    name = case.applicant.real_name or case.applicant.username
    return name if viewer.pk in (case.applicant_id, case.created_by_id) else mask_name(name)


def case_summary(case: Case, viewer: User) -> dict[str, Any]:
    visits = getattr(case, "visit_count", None)
    return {
        "id": case.pk,
        "number": case.number,
        "item_code": case.item.code,
        "item_name": case.item.name,
        "department": case.department.name,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "channel": case.channel,
        "applicant": applicant_label(case, viewer),
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "legal_due": case.legal_due,
        "promised_due": case.promised_due,
        "warning": case.warning,
        "decision": case.decision,
        "visits": visits if visits is not None else case.visits.count(),
    }


def case_full(case: Case, viewer: User) -> dict[str, Any]:
    return {
        **case_summary(case, viewer),
        "situations": case.situations,
        "form_data": case.form_data,
        "materials": [
            {
                "material_id": row.material_id,
                "name": row.material.name,
                "status": row.status,
                "status_label": str(row.get_status_display()),
                "file_name": row.file_name,
                "correction_note": row.correction_note,
            }
            for row in case.materials.all()
        ],
        "events": [
            {
                "at": event.at,
                "action": event.action,
                "label": ACTION_LABELS.get(event.action, event.action),
                "to_state": event.to_state,
                "note": event.note,
                "actor": _actor_label(event.actor, case, viewer),
            }
            for event in case.events.all()
        ],
        "clock": asdict(clock_status_safe(case, on=today())),
        "decision_reason": case.decision_reason,
        "closing_reason": case.closing_reason,
        "next_step": NEXT_STEP.get(CaseState(case.state), ""),
    }


def _actor_label(actor: User | None, case: Case, viewer: User) -> str | None:
    if actor is None:
        return None
    if actor.pk in (case.applicant_id, case.created_by_id):
        return applicant_label(case, viewer) if actor.pk == case.applicant_id else actor.username
    # Staff appear by role and department, not by name, to the public.
    return actor.department.short_name if actor.department else "工作人员"
