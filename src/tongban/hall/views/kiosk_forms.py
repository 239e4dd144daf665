"""Kiosk mode for forms: choose a form → scan or photograph the ID document → check the filled
fields → complete the rest → print the form, or keep it for the window and take a ticket.

A kiosk has no personal account. What the person entered lives in the kiosk's session only
until they finish, press 重新开始, or leave it untouched for 60 s; then it is wiped."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tongban.accounts.models import DeviceIdentity
from tongban.catalog import selectors as catalog
from tongban.catalog.models import ServiceItem
from tongban.core.links import public_url
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.forms import selectors as forms
from tongban.forms.idreader.ocr import MAX_IMAGE_BYTES
from tongban.forms.idreader.reading import FIELD_LABELS, UnreadableDocument
from tongban.forms.pdf import form_pdf
from tongban.forms.prefill import PrefillContext, prefill
from tongban.forms.services import document_read, filled_form_save, item_form
from tongban.forms.values import clean_data
from tongban.forms.webform import data_from_post, form_rows
from tongban.hall import presenters, selectors
from tongban.hall.models import Hall, Ticket
from tongban.hall.services.tickets import ticket_issue
from tongban.hall.views.devices import kiosk_device

STATE_KEY = "kiosk_form"


def _state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(STATE_KEY)
    return state if isinstance(state, dict) else {}


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[STATE_KEY] = state


def _wipe(request: HttpRequest) -> None:
    request.session.pop(STATE_KEY, None)


def kiosk_forms(request: HttpRequest) -> HttpResponse:
    """The form templates. Arriving here starts over: the previous person's data is wiped."""
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    _, hall = post
    _wipe(request)
    return render(
        request, "hall/kiosk_forms.html", {"hall": hall, "items": list(forms.items_with_forms())}
    )


def _item(code: str) -> ServiceItem:
    published = catalog.item_get_published(code)
    if published is None or not published.form:
        raise Http404("该事项没有可填写的表单")
    return catalog.item_version(published.pk)


def _read(request: HttpRequest, state: dict[str, Any]) -> None:
    upload = request.FILES.get("document")
    if upload is None:
        messages.error(request, "请先放入证件拍照，或选择证件照片")
        return
    try:
        reading = document_read(
            reader="ocr", payload=upload.read(MAX_IMAGE_BYTES + 1), where="kiosk"
        )
    except UnreadableDocument as exc:
        messages.error(request, f"{exc}。请手工填写。")
        return
    except LookupError:
        messages.error(request, "本机未启用证件识别，请手工填写")
        return
    readings = state.setdefault("readings", {})
    readings[reading.kind] = reading.as_dict()
    values = state.setdefault("reading", {})
    values.update(reading.values(only_valid=True))
    for problem in reading.problems:
        messages.warning(request, problem)
    flagged = [FIELD_LABELS.get(k, k) for k, f in reading.fields.items() if f.problem]
    if flagged:
        messages.warning(request, f"以下内容未能确认，请核对或手工填写：{'、'.join(flagged)}")
    # Newly read values replace what the previous reading filled (not what the person typed).
    for key in list(state.get("sources", {})):
        if state["sources"][key].get("source") == "id_document":
            state["data"].pop(key, None)
            state["sources"].pop(key)


def _prefill(item: ServiceItem, state: dict[str, Any]) -> None:
    schema = item_form(item)
    filled = prefill(schema, PrefillContext(item=item, reading=state.get("reading") or {}))
    data = state.setdefault("data", {})
    sources = state.setdefault("sources", {})
    for key, p in filled.items():
        if key not in data or key in sources:
            data[key] = p.value
            sources[key] = {"source": p.source, "label": p.source_label, "editable": p.editable}


def _ticket(request: HttpRequest, hall: Hall, device: DeviceIdentity, item: ServiceItem) -> Any:
    category = selectors.category_for_item(hall, item.code)
    if category is None:
        raise ValidationError({"category": ["本大厅没有办理该事项的排队类别"]})
    return ticket_issue(
        hall=hall,
        category=category,
        source=Ticket.Source.KIOSK,
        device=device,
        idempotency_key=f"form-{request.POST.get('idempotency_key', '')}",
    )


def kiosk_form(request: HttpRequest, code: str) -> HttpResponse:
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    item = _item(code)
    schema = item_form(item)
    state = _state(request)
    if state.get("code") != item.code:
        state = {"code": item.code, "situations": catalog.default_choices(item), "data": {}}
    for situation in item.situations.all():
        picked = request.POST.get(f"s_{situation.code}")
        if picked in {o.code for o in situation.options.all()}:
            state["situations"][situation.code] = picked
    errors: dict[str, list[str]] = {}
    done: dict[str, Any] | None = None
    action = request.POST.get("action", "")
    if request.method == "POST" and action not in ("read", "situations"):
        typed = data_from_post(schema, request.POST)
        for key, value in typed.items():
            source = state.get("sources", {}).get(key)
            if source and not source.get("editable", True):
                continue  # read from the document: the document's value stands
            if source and value != state["data"].get(key):
                state["sources"].pop(key)  # the person corrected it: no longer "from" a source
            state["data"][key] = value
    if action == "read":
        _read(request, state)
    _prefill(item, state)
    if action in ("print", "ticket"):
        cleaned, errors = clean_data(schema, state["data"], state["situations"])
        if not errors and action == "print":
            _save(request, state)
            pdf = form_pdf(
                item,
                cleaned,
                state["situations"],
                reference="（自助机打印，未提交）",
                link_url=public_url(request, reverse("catalog:item_guide", args=[item.code])),
                link_label="扫码查看办事指南",
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'attachment; filename="application-form.pdf"'
            return response
        if not errors:
            try:
                filled = filled_form_save(
                    item=item,
                    situations=state["situations"],
                    data=cleaned,
                    sources=state.get("sources", {}),
                    device=device,
                    idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
                )
                ticket = presenters.ticket_out(_ticket(request, hall, device, item))
            except PAGE_REFUSALS as exc:
                messages.error(request, refusal_text(exc))
            else:
                _wipe(request)  # kept under the reference now; the kiosk forgets the person
                done = {
                    "reference": filled.reference,
                    "ticket": ticket,
                    "qr": presenters.qr_data_uri(public_url(request, ticket["follow_url"])),
                }
    if done is None:
        _save(request, state)
    return render(
        request,
        "hall/kiosk_form.html",
        {
            "hall": hall,
            "item": item,
            "done": done,
            "errors": errors,
            "readings": list((state.get("readings") or {}).values()),
            "situation_rows": [
                (s, [(o, state["situations"].get(s.code) == o.code) for o in s.options.all()])
                for s in item.situations.all()
            ],
            "sections": form_rows(
                schema,
                state["data"],
                state["situations"],
                errors=errors,
                sources=state.get("sources"),
            ),
            "form_title": schema.title,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


def kiosk_form_reset(request: HttpRequest) -> HttpResponse:
    _wipe(request)
    return redirect("hall:kiosk_forms")
