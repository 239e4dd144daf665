"""Kiosk mode for forms: choose a form → scan or photograph the ID document → check the filled
fields → complete the rest → print the form, or keep it for the window and take a ticket.

A kiosk has no personal account. What the person entered lives in the kiosk's session only
until they finish, press 重新开始, or leave it untouched for 60 s; then it is wiped."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tongban.accounts.models import DeviceIdentity
from tongban.catalog import selectors as catalog
from tongban.catalog.models import ServiceItem
from tongban.core.device_language import device_language, device_language_reset
from tongban.core.errors import ServiceBusy
from tongban.core.links import public_url
from tongban.core.pages import PAGE_REFUSALS, refusal_text
from tongban.forms import selectors as forms
from tongban.forms.idreader.ocr import MAX_IMAGE_BYTES, reading_lane
from tongban.forms.idreader.reading import FIELD_LABELS, UnreadableDocument
from tongban.forms.pdf import form_pdf
from tongban.forms.prefill import PrefillContext, prefill
from tongban.forms.services import document_read, item_form
from tongban.forms.values import clean_data
from tongban.forms.webform import data_from_post, form_rows
from tongban.hall import kiosk_steps, presenters
from tongban.hall.models import Hall
from tongban.hall.services.kiosk_forms import kiosk_form_hand_in
from tongban.hall.views.devices import kiosk_device
from tongban.hall.views.printout import kiosk_pdf_print, printout_forget

STATE_KEY = "kiosk_form"


def _state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(STATE_KEY)
    return state if isinstance(state, dict) else {}


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[STATE_KEY] = state


def _wipe(request: HttpRequest) -> None:
    request.session.pop(STATE_KEY, None)


@device_language
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


def _read(request: HttpRequest, state: kiosk_steps.State) -> None:
    """Read the photographed document; what could not be confirmed is named."""
    upload = request.FILES.get("document")
    if upload is None:
        messages.error(request, "请先放入证件拍照，或选择证件照片")
        return
    try:
        with reading_lane("kiosk"):
            reading = document_read(
                reader="ocr", payload=upload.read(MAX_IMAGE_BYTES + 1), where="kiosk"
            )
    except (UnreadableDocument, ServiceBusy) as exc:
        messages.error(request, f"{exc}。请手工填写。")
        return
    except LookupError:
        messages.error(request, "本机未启用证件识别，请手工填写")
        return
    kiosk_steps.reading_apply(
        state, kind=reading.kind, reading=reading.as_dict(), values=reading.values(only_valid=True)
    )
    for problem in reading.problems:
        messages.warning(request, problem)
    flagged = [FIELD_LABELS.get(k, k) for k, f in reading.fields.items() if f.problem]
    if flagged:
        messages.warning(request, f"以下内容未能确认，请核对或手工填写：{'、'.join(flagged)}")


def _print(
    request: HttpRequest,
    at: tuple[Hall, DeviceIdentity],
    item: ServiceItem,
    state: kiosk_steps.State,
    cleaned: Any,
) -> HttpResponse:
    pdf = form_pdf(
        item,
        cleaned,
        state["situations"],
        reference="（自助机打印，未提交）",
        link_url=public_url(request, reverse("catalog:item_guide", args=[item.code])),
        link_label="扫码查看办事指南",
    )
    back = reverse("hall:kiosk_form", args=[item.code])
    return kiosk_pdf_print(request, at, kind="form", title=item.name, pdf=pdf, back=back)


def _hand_in(
    request: HttpRequest,
    at: tuple[Hall, DeviceIdentity],
    item: ServiceItem,
    state: kiosk_steps.State,
    cleaned: Any,
) -> dict[str, Any] | None:
    """Keep the form for the window with a ticket; the kiosk then forgets the person."""
    hall, device = at
    try:
        filled, ticket = kiosk_form_hand_in(
            item=item,
            hall=hall,
            device=device,
            situations=state["situations"],
            data=cleaned,
            sources=state.get("sources", {}),
            idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
        )
    except PAGE_REFUSALS as exc:
        messages.error(request, refusal_text(exc))
        return None
    _wipe(request)
    shown = presenters.ticket_out(ticket)
    return {
        "reference": filled.reference,
        "ticket": shown,
        "qr": presenters.qr_data_uri(public_url(request, shown["follow_url"])),
    }


def _page(
    request: HttpRequest, hall: Hall, item: ServiceItem, state: Any, errors: Any, done: Any
) -> HttpResponse:
    schema = item_form(item)
    situations = list(item.situations.all())
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
                for s in situations
            ],
            "sections": form_rows(
                schema, state["data"], state["situations"], errors=errors, sources=state["sources"]
            ),
            "form_title": schema.title,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@device_language
def kiosk_form(request: HttpRequest, code: str) -> HttpResponse:
    """One step of the kiosk form (`kiosk_steps`): choose situations, read a document, type,
    then print it or hand it in for the window with a ticket."""
    post = kiosk_device(request)
    if post is None:
        return redirect("hall:device")
    device, hall = post
    item = _item(code)
    schema = item_form(item)
    state = kiosk_steps.state_for(item.code, catalog.default_choices(item), _state(request))
    options = {s.code: [o.code for o in s.options.all()] for s in item.situations.all()}
    kiosk_steps.situations_choose(state, request.POST, options)
    action = request.POST.get("action", "")
    if request.method == "POST" and kiosk_steps.takes_typed_values(action):
        kiosk_steps.typed_apply(state, data_from_post(schema, request.POST))
    if action == kiosk_steps.READS_DOCUMENT:
        _read(request, state)
    reading = state.get("reading") or {}
    kiosk_steps.prefill_apply(state, prefill(schema, PrefillContext(item=item, reading=reading)))
    errors: dict[str, list[str]] = {}
    done = None
    if action in kiosk_steps.FINISHING:
        cleaned, errors = clean_data(schema, state["data"], state["situations"])
        if not errors and action == "print":
            _save(request, state)
            return _print(request, (hall, device), item, state, cleaned)
        done = None if errors else _hand_in(request, (hall, device), item, state, cleaned)
    if done is None and request.method == "POST":
        _save(request, state)
    return _page(request, hall, item, state, errors, done)


@device_language
def kiosk_form_reset(request: HttpRequest) -> HttpResponse:
    """The next person: the form and the previous person's language are forgotten."""
    _wipe(request)
    device_language_reset(request)
    printout_forget(request)
    return redirect("hall:kiosk_forms")
