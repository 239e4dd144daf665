"""The JSON API: one NinjaAPI, routers from each app, errors as Chinese messages naming fields."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from tongban.accounts.api import router as accounts_router
from tongban.analytics.api import legacy_router as analytics_legacy_router
from tongban.analytics.api import router as analytics_router
from tongban.cases.api import delegations as delegations_router
from tongban.cases.api import router as cases_router
from tongban.cases.bundles.api import router as bundles_router
from tongban.catalog.api import router as catalog_router
from tongban.certificates.api import router as certificates_router
from tongban.core.errors import REFUSALS, refusal_of, schema_fields
from tongban.exchange.api import router as exchange_router
from tongban.forms.api import router as forms_router
from tongban.hall.api import router as hall_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes: readable Chinese, a third of the bytes."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="通办 Tongban API",
    version="1",
    description="政务服务平台接口 / Internet + government services platform API",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/catalog", catalog_router)
api.add_router("/accounts", accounts_router)
api.add_router("/cases", cases_router)
api.add_router("/delegations", delegations_router)
api.add_router("/exchange", exchange_router)
api.add_router("/analytics", analytics_router)
api.add_router("/exchange", analytics_legacy_router)
api.add_router("/hall", hall_router)
api.add_router("/forms", forms_router)
api.add_router("/certificates", certificates_router)
api.add_router("/bundles", bundles_router)


def _error(request: HttpRequest, status: int, detail: str, errors: object = None) -> HttpResponse:
    body: dict[str, object] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def on_refusal(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """Every domain refusal (`core.errors`): its status, its message, its fields."""
    refusal = refusal_of(exc) if isinstance(exc, Exception) else None
    if refusal is None:  # pragma: no cover - only refusals are registered below
        raise exc
    return _error(request, refusal.status, refusal.message, refusal.fields or None)


for _kind, _status, _default in REFUSALS:
    api.add_exception_handler(_kind, on_refusal)


def _in_body(error: dict[str, Any]) -> bool:
    location = tuple(error.get("loc", ()))
    return len(location) > 2 and location[0] == "body"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # A location is (source, [the body parameter's name,] field…): name the field alone.
    located = [{**e, "loc": tuple(e.get("loc", ()))[2 if _in_body(e) else 1 :]} for e in exc.errors]
    errors = schema_fields(located)
    summary = "；".join(f"字段“{field}”{'，'.join(msgs)}" for field, msgs in errors.items())
    return _error(request, 422, f"输入有误：{summary}", errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "请先登录，或提供有效的设备密钥")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 403 and "CSRF" in detail:
        detail = "安全校验（CSRF）失败，请刷新页面后重试"
    return _error(request, exc.status_code, detail)
