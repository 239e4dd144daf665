"""Panels that apps above cases add to the case's pages, so cases never imports them: the
delivery choice on the draft and the case page, and later ratings and inspections.

A panel is a function of the case, the person viewing and whether they view it as staff; it
returns its template's context (with the template's name under "template"), or None when it
has nothing to show. A draft panel also names the prefix of the form fields it owns: the
submission hands those fields to the lifecycle's followers (`case_submit(extras=...)`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core.registry import Registry

Panel = Callable[[Case, User, bool], dict[str, Any] | None]


@dataclass(frozen=True)
class DraftPanel:
    """`render` returns None when the panel has nothing for this case."""

    prefix: str
    render: Callable[
        [Case, User, Mapping[str, Any], Mapping[str, list[str]]], dict[str, Any] | None
    ]


@dataclass(frozen=True)
class BundlePanel:
    """A panel on a 一件事's one submission page; its fields reach every child's followers
    (`bundle_submit(extras=...)`)."""

    prefix: str
    render: Callable[[Any, User, Mapping[str, Any], Mapping[str, list[str]]], dict[str, Any]]


case_panels: Registry[Panel] = Registry("case page panel")
# Panels on a submitted 一件事's page (its one inspection): a function of the 一件事 case and
# the person viewing, returning its template's context or None.
bundle_case_panels: Registry[Callable[[Any, User], dict[str, Any] | None]] = Registry(
    "一件事 page panel"
)
draft_panels: Registry[DraftPanel] = Registry("draft page panel")
bundle_panels: Registry[BundlePanel] = Registry("bundle draft panel")


def panels_for_case(case: Case, viewer: User, *, staff: bool) -> list[dict[str, Any]]:
    shown = []
    for name in case_panels.names():
        panel = case_panels.get(name)(case, viewer, staff)
        if panel is not None:
            shown.append(panel)
    return shown


def panels_for_bundle_case(parent: Any, viewer: User) -> list[dict[str, Any]]:
    shown = []
    for name in bundle_case_panels.names():
        panel = bundle_case_panels.get(name)(parent, viewer)
        if panel is not None:
            shown.append(panel)
    return shown


def panels_for_draft(
    case: Case,
    viewer: User,
    posted: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]],
) -> list[dict[str, Any]]:
    shown = []
    for name in draft_panels.names():
        panel = draft_panels.get(name)
        fields = {k: v for k, v in (posted or {}).items() if k.startswith(panel.prefix)}
        shown_panel = panel.render(case, viewer, fields, errors)
        if shown_panel is not None:
            shown.append(shown_panel)
    return shown


def panels_for_bundle_draft(
    parent: Any,
    viewer: User,
    posted: Mapping[str, Any] | None,
    errors: Mapping[str, list[str]],
) -> list[dict[str, Any]]:
    shown = []
    for name in bundle_panels.names():
        panel = bundle_panels.get(name)
        fields = {k: v for k, v in (posted or {}).items() if k.startswith(panel.prefix)}
        shown.append(panel.render(parent, viewer, fields, errors))
    return shown


def draft_extras(
    post: Mapping[str, Any], registry: Registry[Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The fields each draft panel (or, given `bundle_panels`, each bundle panel) owns, by
    panel name, from a posted form."""
    chosen = registry if registry is not None else draft_panels
    extras: dict[str, dict[str, Any]] = {}
    for name in chosen.names():
        prefix = chosen.get(name).prefix
        fields = {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}
        if fields:
            extras[name] = fields
    return extras
