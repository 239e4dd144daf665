"""What the pages show: the inspection panel on the case's page (the applicant chooses the
visit's time there, the department's reviewer names the inspectors) and the inspector's
phone page of one visit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.onsite import collected_on_site
from tongban.cases.services.submission import materials_applicable
from tongban.catalog.inspections import VERDICTS, inspection_rule
from tongban.field.models import FieldVisit, Inspection, VisitSignature
from tongban.field.rules import INSPECTING_ROLES
from tongban.field.services.conclusion import TO_RESULT
from tongban.field.services.scheduling import slots_for


def person(user: User) -> str:
    """An inspector as the applicant sees them: name and staff number (执法证号)."""
    name = user.real_name or user.username
    return f"{name}（{user.staff_number}）" if user.staff_number else name


def _inspectors(visit: FieldVisit) -> list[str]:
    return [person(a.inspector) for a in visit.assignments.select_related("inspector")]


def eligible_inspectors(department_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, department_id=department_id, role_grants__role__in=INSPECTING_ROLES
        )
        .distinct()
        .order_by("staff_number", "pk")
    )


def inspection_out(inspection: Inspection, viewer: User) -> dict[str, Any]:
    visit = inspection.visit
    out: dict[str, Any] = {
        "inspection": inspection,
        "visit": visit,
        "inspectors": _inspectors(visit),
        "entries": {e.code: e for e in inspection.entries.all()},
    }
    if visit.state == FieldVisit.State.PROPOSED and inspection.state == Inspection.State.OPEN:
        if visit.starts_at is None and (
            viewer.has_perm("cases.act_as_applicant", inspection.case)
            or viewer.has_perm("field.assign", inspection)
        ):
            out["slots"] = [
                {"value": start.isoformat(), "label": _slot_label(start, end)}
                for start, end in slots_for(visit)
            ]
        if viewer.has_perm("field.assign", inspection):
            assigned = set(visit.assignments.values_list("inspector_id", flat=True))
            out["eligible"] = [
                {"user": u, "label": person(u), "checked": u.pk in assigned}
                for u in eligible_inspectors(inspection.department_id)
            ]
    return out


def _slot_label(start: Any, end: Any) -> str:
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    weekday = "一二三四五六日"[local_start.weekday()]
    return f"{local_start:%m月%d日} 周{weekday} {local_start:%H:%M}–{local_end:%H:%M}"


def case_panel(case: Case, viewer: User, staff: bool) -> dict[str, Any] | None:
    """The case page's inspection panel: every round, the visit's time and inspectors, the
    result; the time to choose, or the inspectors to name, while the visit is proposed."""
    rounds = list(
        Inspection.objects.filter(case=case)
        .select_related("visit", "case", "department")
        .order_by("-round", "-pk")
    )
    if not rounds:
        return None
    return {
        "template": "field/_case.html",
        "staff": staff,
        "case": case,
        "rounds": [inspection_out(i, viewer) for i in rounds],
    }


def visit_page(visit: FieldVisit, viewer: User) -> dict[str, Any]:
    """The inspector's phone page: each department's checklist with what is recorded, the
    materials the case still needs, the photos and the signatures."""
    parts = []
    for inspection in visit.inspections.select_related("case__item", "department").order_by("pk"):
        case = inspection.case
        rows = {r.material_id: r for r in case.materials.all()}
        materials = []
        for material in materials_applicable(case):
            row = rows.get(material.pk)
            materials.append(
                {
                    "material": material,
                    "status": row.get_status_display() if row else "未提交",
                    "on_site": bool(row and collected_on_site(row)),
                    "needed": row is None
                    or row.status not in ("provided", "resolved")
                    or collected_on_site(row),
                }
            )
        entries = {e.code: e for e in inspection.entries.all()}
        may_conclude = viewer.has_perm("field.conclude", inspection)
        rule = inspection_rule(case.item.inspection)
        on_site = (
            may_conclude
            and rule is not None
            and "on_site" in rule.modes
            and inspection.purpose == Inspection.Purpose.LICENSING
            and inspection.state == Inspection.State.PASSED
        )
        parts.append(
            {
                "inspection": inspection,
                "case": case,
                "may_certify": on_site and case.state in TO_RESULT,
                "awaiting_submission": on_site and case.state == "draft",
                "may_conclude": may_conclude,
                "checks": [
                    {
                        **check,
                        "entry": entries.get(check["code"]),
                        "choices": [(o, VERDICTS[o]) for o in check["options"]],
                    }
                    for check in inspection.checklist
                ],
                "materials": [m for m in materials if m["needed"]],
            }
        )
    signed = {s.signer_id for s in visit.signatures.filter(role=VisitSignature.Role.INSPECTOR)}
    return {
        "visit": visit,
        "parts": parts,
        "inspectors": _inspectors(visit),
        "may_work": viewer.has_perm("field.work_visit", visit)
        and visit.state == FieldVisit.State.SCHEDULED,
        "photos": list(visit.photos.all()),
        "signatures": list(visit.signatures.all()),
        "viewer_signed": viewer.pk in signed,
        "applicant_signed": visit.signatures.filter(role=VisitSignature.Role.APPLICANT).exists(),
        "texts": {
            "online": _("在线"),
            "offline": _("离线：记录已保存在手机上，联网后自动发送"),
            "sending": _("正在发送…"),
            "waiting": _("等待联网发送"),
            "synced": _("已全部送达"),
            "photo": _("现场照片"),
            "material": _("现场收取材料"),
            "signature": _("签名"),
            "signature_empty": _("签名为空，请在框内签名"),
            "conclusion": _("核查结论"),
            "certify": _("当场发证"),
        },
    }


def bundle_panel(parent: Any, viewer: User) -> dict[str, Any] | None:
    """A 一件事's inspections, one entry per visit: a merged visit shows once, with every
    department's part."""
    inspections = list(
        Inspection.objects.filter(case__bundle_case=parent)
        .exclude(state=Inspection.State.CANCELLED)
        .select_related("visit", "case__item", "department")
        .order_by("visit_id", "pk")
    )
    if not inspections:
        return None
    visits: dict[int, dict[str, Any]] = {}
    for inspection in inspections:
        entry = visits.setdefault(
            inspection.visit_id,
            {"visit": inspection.visit, "inspectors": _inspectors(inspection.visit), "parts": []},
        )
        entry["parts"].append(inspection)
        if "slots" not in entry:
            shown = inspection_out(inspection, viewer)
            if shown.get("slots"):
                entry["slots"] = shown["slots"]
                entry["slot_inspection"] = inspection
    return {"template": "field/_bundle.html", "visits": list(visits.values())}


def report_context(visit: FieldVisit) -> dict[str, Any]:
    """The one record of a visit: every department's checklist with its verdicts and
    conclusion, the photos' times and places, and the signatures as drawn."""
    import base64

    parts = []
    for inspection in visit.inspections.select_related("case__item", "department").order_by("pk"):
        entries = {e.code: e for e in inspection.entries.all()}
        checks = []
        for check in inspection.checklist:
            entry = entries.get(check["code"])
            label = VERDICTS.get(entry.verdict, "") if entry else "未核查"
            checks.append({**check, "entry": entry, "verdict_label": str(label)})
        parts.append({"inspection": inspection, "case": inspection.case, "checks": checks})
    signatures = []
    for signature in visit.signatures.order_by("signed_at", "pk"):
        with signature.image.open("rb") as image:
            data = base64.b64encode(image.read()).decode()
        signatures.append(
            {
                "name": signature.name,
                "role_label": signature.get_role_display(),
                "signed_at": signature.signed_at,
                "data_uri": f"data:image/png;base64,{data}",
            }
        )
    return {
        "visit": visit,
        "inspectors": _inspectors(visit),
        "parts": parts,
        "photos": list(visit.photos.all()),
        "signatures": signatures,
    }


def commitment_draft(
    case: Case, viewer: User, posted: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, Any] | None:
    """The draft page's 告知承诺: the promise to read and sign with the sign-in password,
    where the item offers one."""
    from tongban.catalog.commitments import commitment_rule
    from tongban.field.services.commitments import commitment_text, text_digest

    rule = commitment_rule(case.item.commitment)
    if rule is None:
        return None
    text = commitment_text(case, rule)
    labels = {
        f"{s.code}.{o.code}": f"{s.question}：{o.label}"
        for s in case.item.situations.all()
        for o in s.options.all()
    }
    return {
        "template": "field/_commitment_draft.html",
        "text": text,
        "sha256": text_digest(text),
        "when": [labels.get(w, w) for w in rule.when],
        "waives": rule.waives,
        "signing": str(posted.get("commitment_sign", "")).lower() in ("on", "1", "true"),
        "errors": {k: v for k, v in errors.items() if k.startswith("commitment_")},
    }


def commitment_panel(case: Case, viewer: User, staff: bool) -> dict[str, Any] | None:
    """The case page's 告知承诺 (the promise, its check, a revocation) and, for the staff
    who review it, the applicant's credit records."""
    from tongban.field.services.commitments import commitment_of, credit_records_for

    if case.state == "draft":
        return None
    commitment = commitment_of(case)
    records = credit_records_for(case) if staff else []
    if commitment is None and not records:
        return None
    return {
        "template": "field/_commitment.html",
        "case": case,
        "commitment": commitment,
        "records": records,
        "may_revoke": commitment is not None
        and commitment.state == "broken"
        and viewer.has_perm("field.revoke_commitment", case),
    }


def previsit_draft(
    case: Case, viewer: User, posted: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, Any] | None:
    """The draft page's 倒上门: ask the department to come before applying, then the visit's
    time, its inspectors and what they found."""
    rule = inspection_rule(case.item.inspection)
    if rule is None or "previsit" not in rule.modes or case.pk is None:
        return None
    inspection = (
        Inspection.objects.filter(case=case).select_related("visit").order_by("-pk").first()
    )
    panel: dict[str, Any] = {
        "template": "field/_previsit_draft.html",
        "case": case,
        "on_site": "on_site" in rule.modes,
    }
    if inspection is not None:
        panel.update(inspection_out(inspection, viewer))
    return panel
