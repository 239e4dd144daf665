"""Turning cases into the shapes pages and the API show, with personal data masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import ValidationError as PydanticValidationError

from tongban.accounts.models import Enterprise, User
from tongban.cases.models import Case, CaseMaterial, CaseState, Suspension, Warning
from tongban.cases.panels import panels_for_case, panels_for_draft
from tongban.cases.schemas import WorklistFilter
from tongban.cases.selectors import with_visit_counts
from tongban.cases.services.clock import clock_status_safe, today
from tongban.cases.services.tools import TOOL
from tongban.cases.where import case_steps, clock_texts
from tongban.catalog.models import Audience, Material, ServiceItem
from tongban.catalog.selectors import default_choices, item_version, materials_for_choices
from tongban.core.ids import looks_like_id_number
from tongban.core.masking import mask_id_number, mask_name
from tongban.core.texts import in_language
from tongban.forms.personal import form_data_masked
from tongban.forms.services import item_form
from tongban.forms.webform import form_rows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTION_LABELS: dict[str, StrOrPromise] = {
    "draft": pgettext_lazy("case event", "创建申请"),
    "submit": pgettext_lazy("case event", "提交申请"),
    "pre_review": pgettext_lazy("case event", "开始预审"),
    "request_correction": pgettext_lazy("case event", "要求补正"),
    "resubmit": pgettext_lazy("case event", "补正后重新提交"),
    "reject": pgettext_lazy("case event", "不予受理"),
    "accept": pgettext_lazy("case event", "受理"),
    "review": pgettext_lazy("case event", "开始审查"),
    "suspend": pgettext_lazy("case event", "启动特别程序（暂停计时）"),
    "resume": pgettext_lazy("case event", "结束特别程序（恢复计时）"),
    "extend": pgettext_lazy("case event", "批准延期"),
    "dues_remap": pgettext_lazy("case event", "按放假安排重算期限"),
    "decide": pgettext_lazy("case event", "作出决定"),
    "produce_result": pgettext_lazy("case event", "制作办理结果"),
    "issue_certificate": pgettext_lazy("case event", "签发电子证照"),
    "bundle_submit": pgettext_lazy("case event", "随一件事提交"),
    "dispatch": pgettext_lazy("case event", "分送承办部门"),
    "bundle_wait": pgettext_lazy("case event", "等待补充后分送"),
    "deliver": pgettext_lazy("case event", "送达"),
    "complete": pgettext_lazy("case event", "办结"),
    "withdraw": pgettext_lazy("case event", "撤回申请"),
    "terminate": pgettext_lazy("case event", "终止办理"),
    "visit": pgettext_lazy("case event", "到现场办理（大厅排队号）"),
    # The last mile (the delivery app writes these on the case's timeline).
    "delivery_choose": pgettext_lazy("case event", "选择领取方式"),
    "locker_deposit": pgettext_lazy("case event", "结果存入信包箱"),
    "locker_drop_off": pgettext_lazy("case event", "信包箱投递材料"),
    "locker_collect": pgettext_lazy("case event", "取出投递材料"),
    "locker_return": pgettext_lazy("case event", "信包箱过期退回窗口"),
    "mail_ship": pgettext_lazy("case event", "邮寄寄出"),
    "mail_returned": pgettext_lazy("case event", "快件无法投递退回"),
    "door_failed": pgettext_lazy("case event", "送证上门未成功"),
    # On-site inspections and commitments (the field app writes these).
    "inspection": pgettext_lazy("case event", "现场核查"),
    "material_on_site": pgettext_lazy("case event", "现场收取材料"),
    "material_tool": pgettext_lazy("case event", "用平台工具制作材料"),
    "commitment": pgettext_lazy("case event", "签署告知承诺书"),
    "revoke": pgettext_lazy("case event", "撤销许可"),
}

# Staff who handle cases and see what the exchange fetched next to the form.
HANDLING_ROLES = ("clerk", "reviewer", "hall_manager", "administrator")

NEXT_STEP: dict[CaseState, StrOrPromise] = {
    CaseState.DRAFT: _("请补全材料并提交申请"),
    CaseState.CORRECTION: _("请按补正要求重新提交材料"),
    CaseState.RESULT_READY: _("办理结果已制作，正按您选择的方式送达；结果所在见“结果送达”"),
}


def event_note(action: str, note: str, data: Mapping[str, Any] | None = None) -> str:
    """An event's note in the reader's language (where the platform wrote it with `said`),
    only when it says more than the event's own label (older events repeat the label as
    their note: 创建申请 … / 创建申请)."""
    note = (note or "").strip()
    if not note:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(ACTION_LABELS.get(action, action))
    if note == label:
        return ""
    return in_language(note, (data or {}).get("note_i18n"))


def applicant_label(case: Case, viewer: User) -> str:
    name = case.applicant.real_name or case.applicant.username
    return name if viewer.pk in (case.applicant_id, case.created_by_id) else mask_name(name)


def _applied_by(case: Case, viewer: User) -> str | None:
    """Who made the application, when not the applicant themself (an authorised agent)."""
    if case.created_by_id in (None, case.applicant_id):
        return None
    agent = case.created_by
    name = agent.real_name or agent.username
    return name if viewer.pk in (case.applicant_id, case.created_by_id) else mask_name(name)


def case_summary(case: Case, viewer: User) -> dict[str, Any]:
    visits = getattr(case, "visit_count", None)
    return {
        "id": case.pk,
        "number": case.number,
        "item_code": case.item.code,
        "item_name": case.item.name,
        "department": case.department.name,
        # For pages: in the reader's language (the API keeps the catalogue's Chinese names).
        "item_title": case.item.local_name,
        "department_title": case.department.local_name,
        "state": case.state,
        "state_label": str(CaseState(case.state).label),
        "channel": case.channel,
        "applicant": applicant_label(case, viewer),
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "legal_due": case.legal_due,
        "promised_due": case.promised_due,
        "dues_provisional_from": case.dues_provisional_from,
        "warning": case.warning,
        "decision": case.decision,
        "visits": visits if visits is not None else case.visits.count(),
    }


def provenance_label(provenance: dict[str, Any]) -> str:
    """Where a material the platform obtained came from, in one line, in the reader's
    language (the names as the provenance recorded them)."""
    if not provenance:
        return ""
    english = (translation.get_language() or "").startswith("en")

    def name(key: str) -> str:
        return str((english and provenance.get(f"{key}_en")) or provenance.get(key, ""))

    when = ""
    if provenance.get("fetched_at"):
        fetched = dt.datetime.fromisoformat(provenance["fetched_at"])
        when = _("，%(at)s") % {"at": f"{timezone.localtime(fetched):%Y-%m-%d %H:%M}"}
    if provenance.get("kind") == "form":
        return str(_("在线填写的申请表即为此材料"))
    if provenance.get("kind") == TOOL:
        return _("由平台%(tool)s制作（第%(revision)s版），已通过自动核验") % {
            "tool": name("tool_name"),
            "revision": provenance.get("revision", ""),
        }
    if provenance.get("kind") == "case":
        return _("取自本平台办件%(case)s（%(item)s）%(when)s") % {
            "case": provenance["case"],
            "item": name("item"),
            "when": when,
        }
    return _("已从%(provider)s“%(resource)s”获取%(when)s") % {
        "provider": name("provider"),
        "resource": name("resource_name"),
        "when": when,
    }


def draft_material_rows(case: Case, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The draft's applicable materials: obtained by the platform (with provenance), or to be
    uploaded (with the reason when the platform could not obtain it)."""
    item = item_version(case.item_id)
    rows = {row.material_id: row for row in case.materials.all()}
    by_form = item_form(item).material if item.form else ""
    result = []
    for material in materials_for_choices(item, case.situations):
        row = rows.get(material.pk)
        if material.name == by_form:
            result.append(
                {
                    "material": material,
                    "resolved": True,
                    "by_form": True,
                    "provenance": provenance_label({"kind": "form"}),
                    "reason": "",
                    "upload": False,
                    "problems": errors.get(f"materials.{material.pk}", []),
                }
            )
            continue
        resolved = row is not None and row.status == CaseMaterial.Status.RESOLVED
        tool = bool(
            row
            and row.status == CaseMaterial.Status.PROVIDED
            and row.provenance.get("kind") == TOOL
        )
        result.append(
            {
                "material": material,
                "resolved": resolved,
                "tool": tool,
                "provenance": provenance_label(row.provenance)
                if row and (resolved or tool)
                else "",
                "reason": f"{row.resolution_note}，请上传此材料"
                if row and not resolved and row.resolution_note
                else "",
                "upload": not resolved,
                "problems": errors.get(f"materials.{material.pk}", []),
            }
        )
    return result


def case_form_data(case: Case, viewer: User, *, revealed: bool = False) -> dict[str, Any]:
    """The form as `viewer` may read it: whole for the person who applied (or made the case)
    and after an audited reveal; otherwise with its personal fields masked."""
    if revealed or viewer.pk in (case.applicant_id, case.created_by_id):
        return dict(case.form_data or {})
    return form_data_masked(item_form(item_version(case.item_id)), case.form_data or {})


def case_full(case: Case, viewer: User, *, revealed: bool = False) -> dict[str, Any]:
    staff = viewer.pk != case.applicant_id and viewer.has_role(*HANDLING_ROLES)
    owner = viewer.pk in (case.applicant_id, case.created_by_id)
    return {
        **case_summary(case, viewer),
        "applicant_entity": case.enterprise.name if case.enterprise else None,
        "applied_by": _applied_by(case, viewer),
        "situations": case.situations,
        "form_data": case_form_data(case, viewer, revealed=revealed),
        "form_masked": not (owner or revealed),
        "materials": [
            {
                "material_id": row.material_id,
                "name": row.material.local_name,
                "status": row.status,
                "status_label": str(row.get_status_display()),
                "file_name": row.file_name,
                "correction_note": row.correction_note,
                "provenance": provenance_label(row.provenance),
                "resolution_note": row.resolution_note,
                # What the exchange returned (masked as granted), for the staff handling it.
                "data": row.data if staff and row.data else None,
                "flags": row.flags if staff else [],
            }
            for row in case.materials.all()
        ],
        "events": [
            {
                "at": event.at,
                "action": event.action,
                "label": str(ACTION_LABELS.get(event.action, event.action)),
                "to_state": event.to_state,
                "note": event_note(event.action, event.note, event.data),
                "actor": _actor_label(event.actor, case, viewer),
            }
            for event in case.events.all()
        ],
        "clock": (clock := asdict(clock_status_safe(case, on=today()))),
        "clock_text": clock_texts(clock),
        "decision_reason": case.decision_reason,
        "closing_reason": case.closing_reason,
        "next_step": str(NEXT_STEP.get(CaseState(case.state), "")),
        "progress": case_steps(case),
    }


def _actor_label(actor: User | None, case: Case, viewer: User) -> str | None:
    if actor is None:
        return None
    if actor.pk in (case.applicant_id, case.created_by_id):
        return applicant_label(case, viewer) if actor.pk == case.applicant_id else actor.username
    # Staff appear by role and department, not by name, to the public.
    return actor.department.local_short_name if actor.department else str(_("工作人员"))


def chosen_situations(item: ServiceItem, given: Mapping[str, str]) -> dict[str, str]:
    """The item's default situations, with each `s_<code>` the person picked."""
    choices = default_choices(item)
    for situation in item.situations.all():
        picked = given.get(f"s_{situation.code}")
        if picked:
            choices[situation.code] = picked
    return choices


def _enterprises(item: ServiceItem, user: User) -> list[Enterprise]:
    return list(user.enterprises.all()) if item.audience != Audience.PERSON else []


def enterprise_chosen(item: ServiceItem, user: User, uscc: str) -> Enterprise | None:
    """The enterprise the person applies for: the one chosen, or their only one for an
    enterprise item."""
    enterprises = _enterprises(item, user)
    enterprise = next((e for e in enterprises if e.uscc == uscc), None)
    if enterprise is None and item.audience == Audience.ENTERPRISE and len(enterprises) == 1:
        return enterprises[0]
    return enterprise


def apply_page(
    item: ServiceItem,
    user: User,
    choices: Mapping[str, str],
    key: str,
    errors: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    materials = materials_for_choices(item, dict(choices))
    situations = list(item.situations.all())
    by_form = item_form(item).material if item.form else ""
    return {
        "item": item,
        "key": key,
        "enterprises": _enterprises(item, user),
        "situation_rows": [
            (s, [(o, choices.get(s.code) == o.code) for o in s.options.all()]) for s in situations
        ],
        "rows": [
            (m, "form" if m.name == by_form else m.source == Material.Source.APPLICANT)
            for m in materials
        ],
        "errors": dict(errors or {}),
    }


def draft_page(
    case: Case,
    posted: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    viewer: User | None = None,
    post: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The draft: what the platform obtained and from where, what to upload, and the form
    (prefilled when the draft was made)."""
    errors = dict(errors or {})
    schema = item_form(item_version(case.item_id))
    data = posted if posted is not None else case.form_data
    return {
        "case": case,
        "rows": draft_material_rows(case, errors),
        "errors": errors,
        "form_title": schema.title,
        "sections": form_rows(
            schema, data or {}, case.situations, errors=errors, sources=case.form_prefill
        ),
        "panels": panels_for_draft(case, viewer or case.applicant, post, errors),
    }


def worklist_filters(query: QueryDict) -> WorklistFilter:
    """The filters from the query string; one that cannot be read (a mistyped date) is left
    out rather than refusing the whole list."""
    values = {k: v for k, v in query.items() if k in WorklistFilter.model_fields and v}
    try:
        return WorklistFilter.model_validate(values)
    except PydanticValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        return WorklistFilter.model_validate({k: v for k, v in values.items() if k not in bad})


def worklist_page(user: User, page: Page[Case] | list[Case], query: QueryDict) -> dict[str, Any]:
    # One reverse for the page, not one per row.
    case_url = reverse("cases:case", args=[0]).replace("/0/", "/{}/")
    return {
        "page": page,
        "rows": [
            {**case_summary(c, user), "url": case_url.format(c.pk)}
            for c in with_visit_counts(list(page))
        ],
        "states": CaseState.choices,
        "warnings": [w for w in Warning.choices if w[0]],
        "filters": query,
    }


def search_page(user: User, found: list[Case], query: str) -> dict[str, Any]:
    """The work list showing what the search box found. An ID number typed is not echoed into
    the page (a shared screen, a cached page): it is shown masked."""
    text = query.strip()
    id_like = looks_like_id_number(text)
    return {
        **worklist_page(user, found, QueryDict()),
        "page": None,
        "searched": True,
        "query": "" if id_like else query,
        "query_shown": mask_id_number(text) if id_like else text,
    }


def case_page(
    case: Case,
    viewer: User,
    *,
    staff: bool,
    revealed: Mapping[str, str] | None = None,
    masked: Mapping[str, str] | None = None,
    can: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """Everything the case page shows, from a case loaded by `access_case(detail=True)`
    (its certificates and joint reviews prefetched): the template runs no query."""
    case.item = item_version(case.item_id)  # the version's row, cached: no query per page
    view = case_full(case, viewer, revealed=revealed is not None)
    shows_form = staff and case.state != CaseState.DRAFT and case.item.form
    return {
        "case": case,
        "view": view,
        "form_sections": form_rows(item_form(case.item), view["form_data"], case.situations)
        if shows_form
        else [],
        "staff": staff,
        "certificates": list(case.certificates.all()),
        "joint_reviews": list(case.joint_reviews.all()) if staff else [],
        "revealed": revealed,
        "masked": masked or {},
        "can": can or {},
        "suspension_kinds": [k for k in Suspension.Kind.choices if k[0] != "correction"],
        "panels": panels_for_case(case, viewer, staff=staff),
    }
