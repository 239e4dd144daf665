"""Forms API: an item's form definition (public, like its guide), validation and the filled-form
PDF (a person or a kiosk), reading an ID document (photo by a person or kiosk; chip data from a
kiosk's reader), and a kiosk-filled form by its reference (window staff)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.security import SessionAuth

from tongban.accounts.api import DeviceKeyAuth
from tongban.accounts.models import DeviceIdentity, User
from tongban.catalog import selectors as catalog
from tongban.catalog.models import ServiceItem
from tongban.core.downloads import pdf_response
from tongban.core.links import public_url
from tongban.forms.idreader.ocr import MAX_IMAGE_BYTES, reading_lane
from tongban.forms.idreader.reading import UnreadableDocument
from tongban.forms.pdf import form_pdf
from tongban.forms.personal import form_data_masked
from tongban.forms.schema import Field
from tongban.forms.schemas import (
    ChipIn,
    FilledFormOut,
    FormDataIn,
    FormOut,
    ReadingOut,
    ValidationOut,
)
from tongban.forms.services import document_read, filled_form_read, item_form
from tongban.forms.values import clean_data

router = Router(tags=["智能表单 forms"])
session = SessionAuth()
PERSON_OR_KIOSK = [DeviceKeyAuth(), session]


def _item(code: str) -> ServiceItem:
    published = catalog.item_get_published(code)
    if published is None:
        raise Http404(f"事项“{code}”不存在或未发布")
    return catalog.item_version(published.pk)


def _person_or_kiosk(request: HttpRequest) -> str:
    who = request.auth  # type: ignore[attr-defined]
    if isinstance(who, DeviceIdentity):
        if who.kind != DeviceIdentity.Kind.KIOSK:
            raise PermissionDenied("只有自助机可以使用表单服务")
        return "kiosk"
    return "portal"


def _field_out(f: Field) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": f.label,
        "type": f.type,
        "type_label": f.type_label,
        "required": f.required,
        "help": f.help,
        "choices": [list(c) for c in f.choices],
        "unit": f.unit,
        "prefill": list(f.prefill),
        "editable_when_prefilled": f.editable_when_prefilled,
        "visible_when": dict(f.visible_when) if f.visible_when else None,
        "columns": [_field_out(c) for c in f.columns],
        "material": f.material,
    }


@router.get("/items/{code}", response=FormOut, summary="事项的申请表定义")
def form_definition(request: HttpRequest, code: str) -> dict[str, Any]:
    item = _item(code)
    schema = item_form(item)
    return {
        "item": item.code,
        "item_name": item.name,
        "version": item.version,
        "title": schema.title,
        "sections": [
            {"title": title, "fields": [_field_out(f) for f in fields]}
            for title, fields in schema.sections
        ],
    }


@router.post(
    "/items/{code}/validate",
    response=ValidationOut,
    auth=PERSON_OR_KIOSK,
    summary="按表单定义校验填写内容（逐字段说明错误）",
)
def validate(request: HttpRequest, code: str, payload: FormDataIn) -> dict[str, Any]:
    _person_or_kiosk(request)
    cleaned, errors = clean_data(item_form(_item(code)), payload.data, payload.situations)
    return {"valid": not errors, "cleaned": cleaned if not errors else {}, "errors": errors}


@router.post(
    "/items/{code}/pdf",
    auth=PERSON_OR_KIOSK,
    summary="生成填好的申请表PDF（先按表单定义校验）",
    response={200: None},
)
def pdf(request: HttpRequest, code: str, payload: FormDataIn) -> HttpResponse:
    _person_or_kiosk(request)
    item = _item(code)
    cleaned, errors = clean_data(item_form(item), payload.data, payload.situations)
    if errors:
        raise ValidationError(errors)
    body = form_pdf(
        item,
        cleaned,
        payload.situations,
        reference="（未提交）",
        link_url=public_url(request, f"/guide/items/{item.code}/"),
        link_label="扫码查看办事指南",
    )
    response = pdf_response(body, "application-form.pdf", attachment=True)
    return response


@router.post(
    "/read",
    response=ReadingOut,
    auth=PERSON_OR_KIOSK,
    openapi_extra={"responses": {"503": {"description": "busy"}}},
    summary="读取证件照片（身份证人像面/国徽面、营业执照），逐字段校验",
)
def read_photo(request: HttpRequest, document: File[UploadedFile]) -> dict[str, Any]:
    where = _person_or_kiosk(request)
    try:
        with reading_lane(where):
            reading = document_read(
                reader="ocr", payload=document.read(MAX_IMAGE_BYTES + 1), where=where
            )
    except UnreadableDocument as exc:
        raise ValidationError({"document": [str(exc)]}) from exc
    except LookupError as exc:
        raise ValidationError(
            {"document": ["本机未启用证件识别（tongban[ocr]），请手工填写"]}
        ) from exc
    return reading.as_dict()


@router.post(
    "/read/chip",
    response=ReadingOut,
    auth=DeviceKeyAuth(),
    summary="自助机读卡器读取的身份证信息（逐字段校验）",
)
def read_chip(request: HttpRequest, payload: ChipIn) -> dict[str, Any]:
    if _person_or_kiosk(request) != "kiosk":
        raise PermissionDenied("只有自助机的读卡器可以提交")
    try:
        reading = document_read(reader="chip", payload=payload.dict(), where="kiosk")
    except UnreadableDocument as exc:
        raise ValidationError({"id_number": [str(exc)]}) from exc
    return reading.as_dict()


@router.get(
    "/filled/{reference}",
    response=FilledFormOut,
    auth=session,
    summary="凭编号调取自助机填写的申请表（窗口人员）",
)
def filled(request: HttpRequest, reference: str) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise PermissionDenied("请先登录")
    found = filled_form_read(reader=user, reference=reference)
    if found is None:
        raise Http404("没有这个编号的申请表（可能已超过保存期限）")
    return {
        "reference": found.reference,
        "item": found.item.code,
        "item_name": found.item.name,
        "situations": found.situations,
        # Masked like every other reading; the window prints it whole for signing.
        "data": form_data_masked(item_form(found.item), found.data),
        "sources": found.sources,
        "created_at": found.created_at.isoformat(),
    }
