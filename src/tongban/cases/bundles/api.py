"""一件事 API: start a bundle case, read it (its children and, while a draft, the one material
list with the index each upload goes under), submit it once (the merged form as JSON, files
as m_<index>). Only the applicant (or whoever started it) sees it."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import SessionAuth

from tongban.accounts.requests import request_user
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.selectors import access_bundle_case
from tongban.cases.bundles.services import (
    bundle_case_guide,
    bundle_form_materials,
    bundle_start,
    bundle_submit,
    bundle_uploads,
)
from tongban.catalog.models import Bundle
from tongban.core.api_types import ObjectId
from tongban.core.ids import normalize_uscc
from tongban.core.uploads import uploads_numbered

router = Router(tags=["一件事 bundles"], auth=SessionAuth())


class BundleStartIn(Schema):
    idempotency_key: str
    enterprise_uscc: str = ""
    choices: dict[str, str] = {}


class ChildOut(Schema):
    key: str
    case_id: ObjectId
    item: str
    department: str
    state: str
    waiting_for: list[str]
    promised_due: str | None


class BundleMaterialOut(Schema):
    index: int
    name: str
    requirement: str
    source: str
    items: list[str]
    # The application form the merged form stands for: filled online, never uploaded.
    online_form: bool = False


class HeldOut(Schema):
    """An item skipped because the applicant already held its result."""

    item: str
    result: str
    provider: str
    found_in: str  # "case": an earlier case here; "exchange": the registry or certificate


class BundleCaseOut(Schema):
    id: int
    number: str | None
    bundle: str
    state: str
    choices: dict[str, str]
    serial_days: float
    critical_days: float
    children: list[ChildOut]
    held: list[HeldOut]
    materials: list[BundleMaterialOut]


def _held_out(parent: BundleCase) -> list[dict[str, str]]:
    return [
        {
            "item": h.get("item", code),
            "result": h.get("result", ""),
            "provider": h.get("provider", ""),
            "found_in": h.get("kind", ""),
        }
        for code, h in parent.held.items()
    ]


def _out(parent: BundleCase) -> dict[str, Any]:
    children = parent.children.select_related("item", "department").order_by("pk")
    materials = []
    if parent.state == "draft":
        guide = bundle_case_guide(parent)
        online = bundle_form_materials(list(children), guide)
        materials = [
            {
                "index": i,
                "name": m.name,
                "requirement": m.requirement,
                "source": m.source,
                "items": list(m.items),
                "online_form": m.name in online,
            }
            for i, m in enumerate(guide.materials)
        ]
    return {
        "id": parent.pk,
        "number": parent.number,
        "bundle": parent.bundle.code,
        "state": parent.state,
        "choices": parent.choices,
        "serial_days": float(parent.serial_days),
        "critical_days": float(parent.critical_days),
        "held": _held_out(parent),
        "children": [
            {
                "key": c.bundle_key,
                "case_id": c.pk,
                "item": c.item.name,
                "department": c.department.name,
                "state": c.state,
                "waiting_for": list(c.waiting_for),
                "promised_due": c.promised_due.isoformat() if c.promised_due else None,
            }
            for c in children
        ],
        "materials": materials,
    }


@router.post("/{code}/start", response=BundleCaseOut, summary="开始一件事申请（幂等）")
def start(request: HttpRequest, code: str, body: BundleStartIn) -> dict[str, Any]:
    user = request_user(request)
    bundle = Bundle.objects.filter(code=code, active=True).first()
    if bundle is None:
        raise Http404("一件事不存在")
    enterprise = None
    if body.enterprise_uscc:
        enterprise = user.enterprises.filter(uscc=normalize_uscc(body.enterprise_uscc)).first()
        if enterprise is None:
            raise ValidationError({"enterprise_uscc": ["您不是该企业的经办人"]})
    elif bundle.audience == "enterprise":
        raise ValidationError({"enterprise_uscc": ["法人一件事须以企业名义申请"]})
    parent = bundle_start(
        actor=user,
        bundle=bundle,
        applicant=user,
        enterprise=enterprise,
        choices=body.choices,
        idempotency_key=body.idempotency_key,
    )
    return _out(parent)


@router.get("/cases/{bundle_case_id}", response=BundleCaseOut, summary="一件事办件：各部门进度")
def detail(request: HttpRequest, bundle_case_id: ObjectId) -> dict[str, Any]:
    return _out(access_bundle_case(request_user(request), bundle_case_id))


@router.post(
    "/cases/{bundle_case_id}/submit", response=BundleCaseOut, summary="一次提交（合并表单与材料）"
)
def submit(request: HttpRequest, bundle_case_id: ObjectId) -> dict[str, Any]:
    parent = access_bundle_case(request_user(request), bundle_case_id)
    raw = request.POST.get("form_data", "{}")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError({"form_data": ["应为JSON格式"]}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"form_data": ["应为JSON对象"]})
    files = bundle_uploads(parent, uploads_numbered(request.FILES, prefix="m_"))
    bundle_submit(parent=parent, actor=request_user(request), data=data, files=files)
    parent.refresh_from_db()
    return _out(parent)
