"""The floor plan's use cases: start one from a template, save a revision (checked on the
server, whatever the browser said), attach it to a food-licence application as its layout
material, and — for the reviewer — comment on a place in it and ask for a correction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.cases.services.correction import case_request_correction
from tongban.cases.services.tools import case_material_from_tool, tool_material
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.floorplans.checker import Result, jurisdiction, plan_check
from tongban.floorplans.format import Plan, plan_parse
from tongban.floorplans.models import FloorPlan, PlanComment, PlanRevision, PlanSubmission
from tongban.floorplans.starters import STARTERS, starter

# The catalogue's material dictionary entry the tool makes (材料字典 code).
MATERIAL_KIND = "catering-layout"
TOOL_NAME = gettext_noop("餐饮平面图制作工具")
MAX_PLANS_PER_OWNER = 50


def default_jurisdiction() -> str:
    return str(getattr(settings, "FLOORPLAN_JURISDICTION", "national"))


def plan_checked(data: Any) -> tuple[Plan, Result]:
    """Parse and check a plan as received: ValidationError names each fault of the format
    (an unknown jurisdiction included); the checker's findings are the result's."""
    plan = plan_parse(data)
    try:
        return plan, plan_check(plan)
    except LookupError:
        raise ValidationError({"plan.jurisdiction": ["没有这一地区的审查规则"]}) from None


def _digest(data: Any) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _record(plan: FloorPlan, parsed: Plan, result: Result, actor: User | None) -> PlanRevision:
    data = parsed.model_dump(mode="json")
    plan.revision += 1
    plan.data = data
    plan.title = parsed.title
    plan.jurisdiction = parsed.jurisdiction
    plan.passed = result.passed
    plan.findings = [f.as_dict() for f in result.findings]
    plan.save()
    return PlanRevision.objects.create(
        plan=plan,
        number=plan.revision,
        data=data,
        sha256=_digest(data),
        passed=result.passed,
        findings=plan.findings,
        saved_by=actor,
    )


@transaction.atomic
def plan_create(*, owner: User, template: str, jurisdiction_code: str = "") -> FloorPlan:
    """A new plan from one of the starters (空白图纸 included), saved as revision 1."""
    if template not in STARTERS:
        raise ValidationError({"template": ["没有这一模板"]})
    code = jurisdiction_code or default_jurisdiction()
    try:
        jurisdiction(code)
    except LookupError:
        raise ValidationError({"jurisdiction": ["没有这一地区的审查规则"]}) from None
    if FloorPlan.objects.filter(owner=owner).count() >= MAX_PLANS_PER_OWNER:
        raise Conflict(f"每人最多保存{MAX_PLANS_PER_OWNER}张平面图，请先删除不用的")
    parsed, result = plan_checked(starter(template, code))
    plan = FloorPlan(owner=owner, jurisdiction=code)
    plan.save()
    _record(plan, parsed, result, owner)
    audit_log(action="floorplan.create", obj=plan, changes={"template": template})
    return plan


def plan_editable(plan: FloorPlan) -> bool:
    """A plan attached to an application changes only while the application is a draft or
    waits for a correction."""
    return plan.case is None or plan.case.state in (CaseState.DRAFT, CaseState.CORRECTION)


@transaction.atomic
def plan_save(*, plan: FloorPlan, actor: User, data: Any, base_revision: int) -> PlanRevision:
    """Save the drawing as the next revision. `base_revision` is the revision the editor
    started from: if another tab saved meanwhile, nothing is written (409)."""
    locked = FloorPlan.objects.select_for_update().get(pk=plan.pk)
    if not actor.has_perm("floorplans.edit_plan", locked):
        raise PermissionDenied("只有绘制人可以修改平面图")
    if not plan_editable(locked):
        raise Conflict("平面图所附的申请已提交，不能再修改；如需修改请等待补正通知")
    revision = revision_save(locked, data=data, base_revision=base_revision, actor=actor)
    plan.refresh_from_db()
    return revision


def revision_save(
    locked: FloorPlan, *, data: Any, base_revision: int, actor: User | None
) -> PlanRevision:
    """The next revision of a plan the caller locked and may change (`actor` None: at a
    kiosk). Stale `base_revision`: 409, nothing written."""
    if base_revision != locked.revision:
        raise Conflict(f"平面图已在别处保存为第{locked.revision}版，请重新打开后再修改")
    parsed, result = plan_checked(data)
    revision = _record(locked, parsed, result, actor)
    audit_log(
        action="floorplan.save",
        obj=locked,
        changes={"revision": revision.number, "passed": result.passed, "sha256": revision.sha256},
    )
    return revision


def _binding_lines(result: Result) -> list[str]:
    return [f.message for f in result.binding][:10]


def plan_attach(*, plan: FloorPlan, actor: User, case: Case) -> CaseMaterial:
    """Attach the plan's current revision to `case` as its layout material: checked again on
    the server, rendered to PDF (1:100) and stored, marked as made with the platform's tool.
    Every attempt is recorded, the refused ones too (the scoreboard counts first attempts)."""
    from tongban.floorplans.pdf import plan_pdf

    if not actor.has_perm("floorplans.edit_plan", plan):
        raise PermissionDenied("只有绘制人可以提交平面图")
    if not actor.has_perm("cases.act_as_applicant", case):
        raise PermissionDenied("只能附入本人（或受托）的申请")
    if tool_material(case, MATERIAL_KIND) is None:
        raise ValidationError({"case": ["该申请当前所选情形不需要餐饮平面布局图"]})
    revision = plan.revisions.get(number=plan.revision)
    _, result = plan_checked(revision.data)
    with transaction.atomic():
        PlanSubmission.objects.create(
            plan=plan,
            revision=revision.number,
            case=case,
            passed=result.passed,
            binding=len(result.binding),
        )
    if not result.passed:
        raise ValidationError({"plan": ["平面图尚有必须修改的问题：", *_binding_lines(result)]})
    pdf = plan_pdf(plan, revision, result)
    with transaction.atomic():
        locked = FloorPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.revision != revision.number:
            raise Conflict("平面图刚刚被修改，请重新提交")
        row = case_material_from_tool(
            case=case,
            kind_code=MATERIAL_KIND,
            content=pdf,
            file_name=f"平面布局图-{plan.pk}-v{revision.number}.pdf",
            provenance={
                "tool": "floorplan",
                "tool_name": "餐饮平面图制作工具",
                "tool_name_en": "floor-plan maker",
                "plan": plan.pk,
                "revision": revision.number,
                "plan_sha256": revision.sha256,
                "checked": True,
                "recommended": len(result.findings) - len(result.binding),
            },
            actor=actor,
        )
        # One plan stands for the case's layout: another attached before is let go.
        FloorPlan.objects.filter(case=case).exclude(pk=plan.pk).update(
            case=None, attached_revision=None
        )
        FloorPlan.objects.filter(pk=plan.pk).update(case=case, attached_revision=revision.number)
    plan.refresh_from_db()
    return row


def attached_plan(case: Case) -> FloorPlan | None:
    """The plan attached to `case`, if its layout material was made with the tool."""
    return (
        FloorPlan.objects.filter(case=case, attached_revision__isnull=False)
        .order_by("-updated_at")
        .first()
    )


@transaction.atomic
def plan_comment_add(*, plan: FloorPlan, actor: User, x: Any, y: Any, text: str) -> PlanComment:
    """A reviewer's remark on a place of the attached revision."""
    if not actor.has_perm("floorplans.comment_plan", plan):
        raise PermissionDenied("只有受理或审查该申请的工作人员可以提出意见")
    errors: dict[str, list[str]] = {}
    try:
        px, py = float(x), float(y)
        if not (0 <= px <= 300 and 0 <= py <= 300):
            raise ValueError
    except (TypeError, ValueError):
        errors["x"] = ["请在平面图上点选位置"]
    text = (text or "").strip()
    if not text:
        errors["text"] = ["请填写意见"]
    elif len(text) > 300:
        errors["text"] = ["意见不超过300字"]
    if errors:
        raise ValidationError(errors)
    if plan.case is None:
        raise Conflict("平面图尚未附入申请")
    comment = PlanComment.objects.create(
        plan=plan,
        revision=plan.attached_revision or plan.revision,
        case=plan.case,
        author=actor,
        x=round(px, 2),
        y=round(py, 2),
        text=text,
    )
    audit_log(action="floorplan.comment", obj=plan, changes={"comment": comment.pk})
    return comment


def open_comments(plan: FloorPlan) -> list[PlanComment]:
    """The comments on the revision last attached: what the applicant is to fix."""
    return list(
        plan.comments.filter(revision=plan.attached_revision or plan.revision).select_related(
            "author"
        )
    )


@transaction.atomic
def plan_correction_request(*, plan: FloorPlan, actor: User) -> Case:
    """补正 of the plan: the case's layout material is asked for again, with the comments on
    the plan as the reason; the applicant fixes the plan in the editor and attaches it again."""
    if not actor.has_perm("floorplans.comment_plan", plan):
        raise PermissionDenied("只有受理或审查该申请的工作人员可以要求补正")
    comments = open_comments(plan)
    if not comments:
        raise ValidationError({"comments": ["请先在平面图上标注需要修改的位置和意见"]})
    case = plan.case
    if case is None:
        raise Conflict("平面图尚未附入申请")
    material = tool_material(case, MATERIAL_KIND)
    if material is None:
        raise Conflict("该申请不需要餐饮平面布局图")
    reason = "平面布局图：" + "；".join(f"{i}. {c.text}" for i, c in enumerate(comments, 1))
    return case_request_correction(case=case, actor=actor, problems={material.pk: reason[:300]})


def plan_checklist(case: Case) -> list[dict[str, Any]]:
    """What an on-site inspection checks against the plan attached to `case`: one item naming
    the plan's revision and each of its rooms with its zone and area (empty without a plan)."""
    from tongban.floorplans.format import ZONES, label, plan_parse

    plan = attached_plan(case)
    if plan is None or plan.attached_revision is None:
        return []
    revision = plan.revisions.filter(number=plan.attached_revision).first()
    if revision is None:
        return []
    rooms = "、".join(
        f"{room.name or label(ZONES, room.zone)}（{label(ZONES, room.zone)}，{room.area:g}㎡）"
        for room in plan_parse(revision.data).rooms
    )
    return [
        {
            "code": "floorplan",
            "text": f"现场与平台制作的平面布局图（第{revision.number}版）一致：{rooms}",
            "basis": "",
            "basis_text": "申请所附餐饮服务场所平面布局图",
            "options": ["pass", "rectify", "fail"],
        }
    ]
