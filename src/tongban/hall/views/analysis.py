"""The hall's analysis for its managers: the dashboard and the daily PDF report."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongban.core.downloads import pdf_response
from tongban.core.pages import refusal_text
from tongban.core.pdf import render_pdf
from tongban.hall import analysis, selectors
from tongban.hall.models import Hall

# --- the hall's analysis -------------------------------------------------------------------------


def _analysis_hall(request: HttpRequest, code: str) -> tuple[Hall, dt.date]:
    hall = selectors.hall_by_code(code)
    if hall is None:
        raise Http404("大厅不存在")
    if not request.user.has_perm("hall.view_analysis", hall):
        raise PermissionDenied("只有本大厅的管理员可以查看大厅分析")
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else selectors.latest_day(hall)
    except ValueError as exc:
        raise ValidationError({"day": ["日期格式应为 YYYY-MM-DD"]}) from exc
    return hall, day


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    try:
        hall, day = _analysis_hall(request, code)
    except ValidationError as exc:
        return HttpResponse(refusal_text(exc), status=400, content_type="text/plain")
    figures = analysis.hall_day_figures(hall, day)
    chart = {
        "hours": [f"{row['hour']}时" for row in figures["by_hour"]],
        "arrivals": [row["arrivals"] for row in figures["by_hour"]],
        "wait": [
            round(row["wait_mean"], 1) if row["wait_mean"] is not None else None
            for row in figures["by_hour"]
        ],
    }
    return render(
        request,
        "hall/dashboard.html",
        {"hall": hall, "day": day, "f": figures, "chart": chart},
    )


@login_required
def daily_report(request: HttpRequest, code: str) -> HttpResponse:
    try:
        hall, day = _analysis_hall(request, code)
    except ValidationError as exc:
        return HttpResponse(refusal_text(exc), status=400, content_type="text/plain")
    figures = analysis.hall_day_figures(hall, day)
    pdf = render_pdf(
        "hall/report_pdf.html",
        {"hall": hall, "day": day, "f": figures, "generated_at": timezone.localtime()},
    )
    response = pdf_response(pdf, f"hall-{hall.code}-{day}.pdf", attachment=False)
    return response
