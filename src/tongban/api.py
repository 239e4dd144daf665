"""The JSON API: one NinjaAPI, routers from each app, errors as Chinese messages naming fields."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from tongban.accounts.api import router as accounts_router
from tongban.analytics.api import legacy_router as analytics_legacy_router
from tongban.analytics.api import router as analytics_router
from tongban.cases.api import delegations as delegations_router
from tongban.cases.api import router as cases_router
from tongban.cases.bundles.api import router as bundles_router
from tongban.catalog.api import router as catalog_router
from tongban.certificates.api import router as certificates_router
from tongban.core.api_types import RefusalOut
from tongban.core.errors import (
    REFUSALS,
    ServiceBusy,
    TooManyAttempts,
    refusal_of,
    schema_fields,
)
from tongban.core.throttle import API_THROTTLES
from tongban.delivery.api import router as delivery_router
from tongban.exchange.api import router as exchange_router
from tongban.field.api import router as field_router
from tongban.floorplans.api import router as floorplans_router
from tongban.forms.api import router as forms_router
from tongban.guide.api import router as guide_router
from tongban.hall.api import router as hall_router
from tongban.notify.api import router as messages_router
from tongban.projects.api import router as projects_router
from tongban.ratings.api import router as ratings_router

logger = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes: readable Chinese, a third of the bytes."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


# Statuses every operation may answer besides its own, from the refusal table the handlers
# below use; 401 only where the operation needs a caller, 422 and 413 only where it takes input.
REFUSAL_DESCRIPTIONS = {
    400: "输入有误（说明哪个字段） / invalid input, by field",
    401: "未登录或设备密钥无效 / not signed in, or no valid device key",
    403: "无权执行此操作 / not permitted",
    404: "未找到 / not found",
    409: "当前状态不允许此操作 / the object's state refuses it",
    413: "请求体过大 / request body too large",
    422: "输入不符合接口格式（说明哪个字段） / input does not match the schema, by field",
    429: "请求过于频繁，请稍后再试（见 Retry-After） / too many requests",
    503: "服务繁忙，请稍后重试（见 Retry-After） / busy, retry later",
}


class StrictJSONParser(Parser):
    """JSON bodies as the API reads them: a NUL character anywhere in one is refused, naming
    the field, before any view or query sees it (PostgreSQL cannot store one)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        where = _nul_in(data, "")
        if where is not None:
            raise ValidationError({where or "__all__": ["不能含有空字符（\\u0000）"]})
        return data


def _nul_in(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return where if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return where or "__all__"
        found = _nul_in(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


class TongbanAPI(NinjaAPI):
    """The API whose OpenAPI document declares every status its operations answer."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["RefusalOut"] = (
            RefusalOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                _declare_refusals(operation)
        return schema


def _declare_refusals(operation: dict[str, Any]) -> None:
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    # 503 only where an operation says it sheds load (`openapi_extra`).
    statuses = {status for _kind, status, _default in REFUSALS if status != 503} | {429}
    if operation.get("security"):
        statuses.add(401)
    if takes_input:
        statuses |= {413, 422}
    responses = operation.setdefault("responses", {})
    # A refusal an operation declares itself (503 for load shedding, 401 for a signed call
    # that needs no session) gets the shared shape too.
    for declared in (401, 503):
        if any(str(s) == str(declared) for s in responses):
            responses.pop(str(declared), None)
            responses.pop(declared, None)
            statuses.add(declared)
    ref = {"$ref": "#/components/schemas/RefusalOut"}
    for status in sorted(statuses):
        responses.setdefault(
            status,
            {
                "description": REFUSAL_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": ref}},
            },
        )


api = TongbanAPI(
    renderer=ChineseJSONRenderer(),
    parser=StrictJSONParser(),
    title="通办 Tongban API",
    version="1",
    description="政务服务平台接口 / Internet + government services platform API",
    docs_url="/docs",
    urls_namespace="api",
    throttle=API_THROTTLES,
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
api.add_router("/delivery", delivery_router)
api.add_router("/messages", messages_router)
api.add_router("/guide", guide_router)
api.add_router("/ratings", ratings_router)
api.add_router("/field", field_router)
api.add_router("/projects", projects_router)
api.add_router("/floorplans", floorplans_router)


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
    response = _error(request, refusal.status, refusal.message, refusal.fields or None)
    if isinstance(exc, TooManyAttempts | ServiceBusy):
        response["Retry-After"] = str(exc.wait)
    return response


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
    if isinstance(exc.__cause__, RequestDataTooBig | TooManyFieldsSent | ValidationError):
        return api.on_exception(request, exc.__cause__)
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = "请求体无法解析：应为 JSON 对象（Content-Type: application/json）"
    elif exc.status_code == 403 and "CSRF" in detail:
        detail = "安全校验（CSRF）失败，请刷新页面后重试"
    elif exc.status_code == 429:
        detail = "请求过于频繁，请稍后再试"
    return _error(request, exc.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return _error(request, 413, f"请求体过大：除上传文件外不超过 {limit:.1f} MB")


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the schema let through that the database cannot hold: the input's fault."""
    logger.warning("API input out of the database's range: %s %s", request.path, exc)
    return _error(request, 400, "输入有误：数值或文字超出可保存的范围")


@api.exception_handler(TooManyFieldsSent)
def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
    return _error(request, 413, f"字段过多：不超过 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个")
