"""What the applicant (and, for deadlines, the department) is told at each step."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tongban.accounts.models import Role, User
from tongban.cases.models import Case
from tongban.core.texts import said
from tongban.notify.services import notify

APPLICANT_NOTICES = {
    "submit": (
        gettext_noop("申请已提交"),
        gettext_noop("您的“{item}”申请已提交，请留意受理结果。"),
    ),
    "request_correction": (
        gettext_noop("请补正材料"),
        gettext_noop("您的“{item}”申请需要补正：{note}。请登录后在办件页面重新提交。"),
    ),
    "reject": (
        gettext_noop("申请不予受理"),
        gettext_noop("您的“{item}”申请不予受理，原因：{note}。"),
    ),
    "accept": (
        gettext_noop("申请已受理"),
        gettext_noop("您的“{item}”申请已受理，办件编号{number}，承诺{due}前办结。"),
    ),
    "suspend": (
        gettext_noop("办件进入特别程序"),
        gettext_noop("您的“{item}”办件进入特别程序（{note}），期间不计入办理时限。"),
    ),
    "extend": (
        gettext_noop("办理期限延长"),
        gettext_noop("您的“{item}”办件经批准延期：{note}，新的承诺期限为{due}。"),
    ),
    "dues_remap": (
        gettext_noop("办结期限已按放假安排调整"),
        gettext_noop("您的“{item}”办件{note}。"),
    ),
    "decide": (
        gettext_noop("办件已作出决定"),
        gettext_noop("您的“{item}”办件已作出决定：{note}。"),
    ),
    "produce_result": (
        gettext_noop("办理结果已制作"),
        gettext_noop("您的“{item}”办理结果已制作，将按您选择的方式送达。"),
    ),
    "deliver": (gettext_noop("办理结果已送达"), gettext_noop("您的“{item}”办理结果已送达。")),
    "complete": (
        gettext_noop("办件已办结"),
        gettext_noop("您的“{item}”办件已办结，欢迎对本次服务作出评价。"),
    ),
    "terminate": (
        gettext_noop("办件已终止"),
        gettext_noop("您的“{item}”办件已终止办理，原因：{note}。"),
    ),
}


def case_notify_applicant(case: Case, action: str, note: str = "") -> None:
    template = APPLICANT_NOTICES.get(action)
    if template is None:
        return
    subject, body = template
    recipients = {case.applicant}
    if case.created_by_id != case.applicant_id and case.delegation_id is not None:
        recipients.add(case.created_by)  # the authorised agent follows the case too
    notify(
        recipients=recipients,
        subject=said(subject),
        body=said(
            body,
            item=case.item,
            note=note or "",
            number=case.number or "",
            due=case.promised_due.isoformat() if case.promised_due else "",
        ),
        ref=f"case:{case.pk}",
    )


def case_notify_deadline(case: Case, warning: str) -> None:
    """Yellow or red: the handling department's reviewers and the hall managers."""
    staff = User.objects.filter(
        is_active=True, role_grants__role=Role.REVIEWER, department_id=case.department_id
    ) | User.objects.filter(is_active=True, role_grants__role=Role.HALL_MANAGER)
    label = "即将到期（剩余不超过2个工作日）" if warning == "yellow" else "已超过承诺期限"
    notify(
        recipients=list(staff.distinct()),
        subject=f"办件{label}：{case.number}",
        body=f"“{case.item.name}”办件{case.number}{label}，承诺期限{case.promised_due}。",
        ref=f"case:{case.pk}",
        channel_names=("inbox",),
    )
