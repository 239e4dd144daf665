"""The analytics overview (the catalog's promises and what the cases show) and the city's
scoreboard with its tables, spreadsheets and the sealed monthly report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongban.accounts.models import User
from tongban.accounts.requests import request_user
from tongban.analytics import presenters
from tongban.analytics.scoreboard import scoreboard_cached as scoreboard
from tongban.cases.bundles.figures import bundle_figures
from tongban.cases.figures import materials_figures
from tongban.catalog import selectors as catalog
from tongban.core.downloads import csv_response, pdf_response
from tongban.core.pdf import render_pdf
from tongban.delivery.selectors import delivery_figures

AUDIENCE_LABELS = {"enterprise": "法人（企业）", "person": "个人", "both": "个人和法人"}
FIGURE_ROLES = ("administrator", "hall_manager", "data_steward")


def _manager(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_role(*FIGURE_ROLES):
        raise PermissionDenied("仅管理人员可查看统计")
    return user


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _manager(request)
    figures = materials_figures()
    return render(
        request,
        "analytics/overview.html",
        {
            "catalog": catalog.catalog_stats(),
            "city": figures.city,
            "audiences": [
                (AUDIENCE_LABELS.get(code, code), figure)
                for code, figure in sorted(figures.by_audience.items())
            ],
            "life_events": list(figures.by_life_event.values()),
            "items": list(figures.by_item.values())[:30],
            "bundles": bundle_figures(),
            "delivery": delivery_figures(),
        },
    )


def _board(params: Any) -> tuple[Any, Any, dict[str, Any]]:
    period, filters = presenters.scoreboard_query(params)
    return period, filters, scoreboard(period, filters)


@login_required
def scoreboard_page(request: HttpRequest) -> HttpResponse:
    """记分牌: the three numbers and the rest, each with its chart, table and definition."""
    _manager(request)
    period, filters, board = _board(request.GET)
    header, rows = presenters.table(board)
    return render(
        request,
        "analytics/scoreboard.html",
        {
            "board": board,
            "period": period,
            "filters": filters,
            "options": presenters.filter_options(),
            "header": header,
            "rows": rows,
            "charts": presenters.charts(board),
            "refreshed_at": presenters.refreshed_at(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def scoreboard_csv(request: HttpRequest) -> HttpResponse:
    _manager(request)
    period, _filters, board = _board(request.GET)
    header, rows = presenters.table(board)
    named = [dict(zip(header, row, strict=True)) for row in rows]
    return csv_response(named, header, f"记分牌-{period.start:%Y%m}-{period.end:%Y%m}.csv")


@login_required
def scoreboard_xlsx(request: HttpRequest) -> HttpResponse:
    _manager(request)
    period, _filters, board = _board(request.GET)
    response = HttpResponse(
        presenters.xlsx_bytes(board, period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="scoreboard-{period.start:%Y%m}-{period.end:%Y%m}.xlsx"'
    )
    return response


@login_required
def scoreboard_report(request: HttpRequest) -> HttpResponse:
    """The monthly report (`?to=YYYY-MM`, one month): a PDF sealed with the city's seal."""
    from tongban.certificates.signers import seal_signer

    _manager(request)
    params = request.GET.copy()
    params["from"] = params.get("to") or timezone.localdate().strftime("%Y-%m")
    period, _filters, board = _board(params)
    pdf = render_pdf(
        "analytics/report_pdf.html",
        {
            "board": board,
            "period": period,
            "city": settings.CITY_NAME,
            "generated_at": timezone.localtime(),
        },
    )
    signed = seal_signer().sign(
        pdf,
        reason=f"{settings.CITY_NAME}政务服务记分牌 {period.start:%Y年%m月}",
        location=settings.CITY_NAME,
    )
    return pdf_response(signed, f"scoreboard-{period.start:%Y%m}.pdf", attachment=False)
