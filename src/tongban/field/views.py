"""The field pages: the inspector's list and the phone page of one visit (its writes go to
the field API through the page's outbox, `static/js/field.js`), and the two steps taken
from the case page: the applicant's choice of time and the reviewer's inspectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.accounts.requests import request_user
from tongban.core.audit import audit_log
from tongban.core.downloads import pdf_response
from tongban.core.pages import run_refusable
from tongban.core.pdf import render_pdf
from tongban.field import presenters
from tongban.field.figures import field_figures
from tongban.field.models import FieldVisit, Inspection
from tongban.field.rules import is_field_staff
from tongban.field.selectors import (
    inspection_for,
    inspections_to_assign,
    visit_for,
    visits_assigned,
)
from tongban.field.services import inspections, scheduling
from tongban.field.services.sites import ADDRESS_FIELDS


@login_required
def field_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not is_field_staff(user):
        raise PermissionDenied("仅核查人员可以查看现场核查任务")
    return render(
        request,
        "field/home.html",
        {
            "visits": [
                {"visit": v, "inspections": list(v.inspections.select_related("case__item"))}
                for v in visits_assigned(user)[:200]
            ],
            "to_assign": [
                presenters.inspection_out(i, user) for i in inspections_to_assign(user)[:100]
            ],
            "figures": field_figures(department_id=user.department_id)
            if user.department_id is not None
            else None,
        },
    )


@login_required
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = request_user(request)
    visit = visit_for(user, visit_id)
    return render(request, "field/visit.html", presenters.visit_page(visit, user))


def _back(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    user = request_user(request)
    if inspection.case.state == "draft":  # a pre-visit: staff do not open drafts
        if user.has_perm("cases.act_as_applicant", inspection.case):
            return redirect("cases:continue", case_id=inspection.case_id)
        return redirect("field:home")
    if user.has_perm("cases.act_as_applicant", inspection.case):
        return redirect("cases:mine_detail", case_id=inspection.case_id)
    return redirect("cases:case", case_id=inspection.case_id)


@login_required
@require_POST
def choose_slot(request: HttpRequest, inspection_id: int) -> HttpResponse:
    user = request_user(request)
    inspection = inspection_for(user, inspection_id)

    def step() -> None:
        try:
            starts_at = dt.datetime.fromisoformat(request.POST.get("starts_at", ""))
        except ValueError as exc:
            raise ValidationError({"starts_at": ["请选择核查时间"]}) from exc
        scheduling.visit_choose_slot(actor=user, visit=inspection.visit, starts_at=starts_at)

    return run_refusable(request, step, "已预约现场核查时间", lambda: _back(request, inspection))


@login_required
@require_POST
def assign(request: HttpRequest, inspection_id: int) -> HttpResponse:
    user = request_user(request)
    inspection = inspection_for(user, inspection_id)

    def step() -> None:
        try:
            ids = [int(i) for i in request.POST.getlist("inspector_ids")]
        except ValueError as exc:
            raise ValidationError({"inspector_ids": ["核查人员选择有误"]}) from exc
        scheduling.visit_assign(actor=user, inspection=inspection, inspector_ids=ids)

    return run_refusable(request, step, "已指派核查人员", lambda: _back(request, inspection))


@login_required
def visit_report(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The visit's one record (现场核查记录) as a PDF sealed by the platform, once the visit
    is done: for its inspectors, the departments' reviewers and the applicant."""
    from tongban.certificates.signers import seal_signer

    user = request_user(request)
    visit = FieldVisit.objects.filter(pk=visit_id).first()
    if visit is None or not (
        user.has_perm("field.view_visit", visit)
        or any(user.has_perm("cases.act_as_applicant", i.case) for i in visit.inspections.all())
    ):
        raise Http404("现场核查不存在")
    if visit.state != FieldVisit.State.DONE:
        raise Http404("现场核查尚未完成，暂无核查记录")
    pdf = render_pdf("field/report_pdf.html", presenters.report_context(visit))
    signed = seal_signer().sign(pdf, reason=f"现场核查记录 {visit.pk}", location=settings.CITY_NAME)
    audit_log(action="inspection.report.read", obj=visit)
    return pdf_response(signed, f"inspection-{visit.pk}.pdf", attachment=False)


@login_required
@require_POST
def revoke(request: HttpRequest, case_id: int) -> HttpResponse:
    """撤销许可 after a broken 告知承诺, from the case's page."""
    from tongban.cases.selectors import access_case
    from tongban.field.services.commitments import commitment_of, commitment_revoke

    user = request_user(request)
    case = access_case(user, case_id)
    commitment = commitment_of(case)
    if commitment is None:
        raise Http404("该办件没有告知承诺")
    return run_refusable(
        request,
        lambda: commitment_revoke(
            actor=user, commitment=commitment, reason=request.POST.get("reason", "")
        ),
        "已撤销许可并记入信用记录",
        lambda: redirect("cases:case", case_id=case.pk),
    )


def _posted_address(request: HttpRequest, case: Any) -> str:
    """The site's address as typed in the draft's form (posted with the button), if any."""
    from tongban.catalog.inspections import inspection_rule

    rule = inspection_rule(case.item.inspection)
    keys = [rule.address_field] if rule is not None and rule.address_field else []
    for key in [*keys, *ADDRESS_FIELDS]:
        value = request.POST.get(f"f_{key}", "").strip()
        if value:
            return value
    return ""


@login_required
@require_POST
def previsit(request: HttpRequest, case_id: int) -> HttpResponse:
    """倒上门, asked from the draft page (its button posts the draft form here)."""
    from tongban.cases.selectors import access_case

    user = request_user(request)
    case = access_case(user, case_id)
    return run_refusable(
        request,
        lambda: inspections.previsit_request(
            actor=user, case=case, address=_posted_address(request, case)
        ),
        "已申请上门预勘：请选择核查人员上门的时间",
        lambda: redirect("cases:continue", case_id=case.pk),
    )
