"""The kiosk form's steps as pure functions over its state (kept in the kiosk's session):
which form, the situations chosen, what was typed, what an ID document reading filled, and
where each value came from. No request, no database: the page calls these in order and
they are tested on their own (tests/hall/test_kiosk_steps.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tongban.forms.prefill import Prefilled

# The source name of a value read from an ID document.
DOCUMENT = "id_document"

State = dict[str, Any]


def state_for(code: str, default_situations: Mapping[str, str], stored: object) -> State:
    """The kiosk's state for this form: what is stored if it is this form's, else a new start
    (another form, or nothing yet) — one person's answers never carry into another form."""
    if isinstance(stored, dict) and stored.get("code") == code:
        state: State = stored
        state.setdefault("situations", dict(default_situations))
        state.setdefault("data", {})
        state.setdefault("sources", {})
        return state
    return {"code": code, "situations": dict(default_situations), "data": {}, "sources": {}}


def situations_choose(
    state: State, posted: Mapping[str, Any], options: Mapping[str, Iterable[str]]
) -> None:
    """Take each posted situation (`s_<code>`) that names one of its options; ignore the rest."""
    for code, allowed in options.items():
        picked = posted.get(f"s_{code}")
        if isinstance(picked, str) and picked in set(allowed):
            state["situations"][code] = picked


def typed_apply(state: State, typed: Mapping[str, Any]) -> None:
    """What the person typed. A value a source marked not editable (read from the document)
    stands; a value they changed is theirs now, no longer "from" a source."""
    sources = state["sources"]
    for key, value in typed.items():
        source = sources.get(key)
        if source and not source.get("editable", True):
            continue
        if source and value != state["data"].get(key):
            sources.pop(key)
        state["data"][key] = value


def reading_apply(
    state: State, *, kind: str, reading: Mapping[str, Any], values: Mapping[str, str]
) -> None:
    """A new reading of a document replaces what the previous reading filled (not what the
    person typed); its valid values are what the prefill reads next."""
    state.setdefault("readings", {})[kind] = dict(reading)
    state.setdefault("reading", {}).update(values)
    for key in [k for k, s in state["sources"].items() if s.get("source") == DOCUMENT]:
        state["data"].pop(key, None)
        state["sources"].pop(key)


def prefill_apply(state: State, filled: Mapping[str, Prefilled]) -> None:
    """Fill each field a source knows, unless the person typed it themselves."""
    data, sources = state["data"], state["sources"]
    for key, p in filled.items():
        if key not in data or key in sources:
            data[key] = p.value
            sources[key] = {"source": p.source, "label": p.source_label, "editable": p.editable}


# What a posted action does: read a document, change the situations, or (anything else) take
# the typed values first; "print" and "ticket" then check the whole form.
READS_DOCUMENT = "read"
CHANGES_SITUATIONS = "situations"
FINISHING = frozenset({"print", "ticket"})


def takes_typed_values(action: str) -> bool:
    return action not in (READS_DOCUMENT, CHANGES_SITUATIONS)
