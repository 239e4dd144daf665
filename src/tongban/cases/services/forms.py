"""The application form on a case: prefilled once from the registered sources, and the values a
source supplied as authoritative kept whatever is posted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.catalog.selectors import item_version
from tongban.core.audit import audit_log
from tongban.core.context import Actor
from tongban.forms.prefill import PrefillContext, prefill
from tongban.forms.services import item_form


@transaction.atomic
def case_form_prefill(
    *, case: Case, actor: User, reading: Mapping[str, str] | None = None, new: bool = False
) -> Case:
    """Fill the draft's form from the account, the exchange, earlier cases and (at a window or
    kiosk) a document reading. Once per case; what the person already typed is kept. A case
    made in the caller's transaction (`new`) is used as it is: no one else can see it, so it
    is neither read again nor locked (see decision 33)."""
    if not new:
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant", "enterprise")
            .get(pk=case.pk)
        )
    if case.state != CaseState.DRAFT or (case.form_prefill is not None and reading is None):
        return case
    item = item_version(case.item_id)
    schema = item_form(item)
    ctx = PrefillContext(
        item=item, user=case.applicant, enterprise=case.enterprise, reading=reading, case_id=case.pk
    )
    filled = prefill(schema, ctx)
    typed = {k: v for k, v in case.form_data.items() if v not in ("", None, [])}
    case.form_data = {**{k: p.value for k, p in filled.items()}, **typed}
    case.form_prefill = {
        **(case.form_prefill or {}),
        **{
            k: {"source": p.source, "label": p.source_label, "editable": p.editable}
            for k, p in filled.items()
            if k not in typed
        },
    }
    case.save(update_fields=["form_data", "form_prefill"])
    audit_log(
        action="case.form_prefill",
        obj=case,
        changes={"form_prefill": [None, {k: v["source"] for k, v in case.form_prefill.items()}]},
        actor=Actor(id=f"user:{actor.pk}", label=actor.username),
    )
    return case


def form_with_locked(case: Case, posted: Mapping[str, Any]) -> dict[str, Any]:
    """The posted form, except fields a source filled as not editable: those keep the source's
    value (a page can make a field read-only; only the server can make it stay)."""
    locked = {
        k: case.form_data.get(k)
        for k, source in (case.form_prefill or {}).items()
        if not source.get("editable", True) and case.form_data.get(k)
    }
    return {**posted, **locked}
