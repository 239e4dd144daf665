"""Typed wrappers over django-rules, whose API is untyped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rules.permissions import has_perm as _has_perm
from rules.permissions import set_perm as _set_perm
from rules.predicates import predicate as _predicate


def predicate(fn: Callable[..., bool], name: str | None = None) -> Any:
    """A composable rules predicate (combine with |, &, ~)."""
    return _predicate(fn, name=name)  # type: ignore[no-untyped-call]


def set_perm(name: str, rule: Any) -> None:
    """Register (or replace) the rule behind `user.has_perm(name, obj)`."""
    _set_perm(name, rule)  # type: ignore[no-untyped-call]


def rule_allows(name: str, user: Any, obj: Any = None) -> bool:
    """The rule behind a permission, evaluated directly (no model-permission lookup)."""
    return bool(_has_perm(name, user, obj))  # type: ignore[no-untyped-call]
