"""Rules of the house that a reviewer would otherwise have to remember (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tongban"


def _view_modules() -> list[Path]:
    return sorted({*SRC.glob("**/views.py"), *SRC.glob("**/views/*.py")})


def test_views_stay_thin() -> None:
    """A view parses the request, calls one service or selector and renders: about 30 lines.
    What grows beyond belongs in a presenter, selector or service."""
    long = []
    for module in _view_modules():
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 35:
                    long.append(f"{module.relative_to(SRC)}:{node.name} ({length} lines)")
    assert long == []


def test_the_domain_never_raises_the_operating_systems_permission_error() -> None:
    """Refusals are core.errors' kinds (ValidationError, PermissionDenied, Conflict)."""
    offenders = []
    for path in SRC.glob("**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "PermissionError":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_no_view_reads_the_signed_in_user_by_hand() -> None:
    """One way to get the actor: accounts.requests.request_user."""
    offenders = [
        str(module.relative_to(SRC))
        for module in _view_modules()
        if "isinstance(request.user" in module.read_text(encoding="utf-8")
        or "request.auth  #" in module.read_text(encoding="utf-8")
    ]
    assert offenders == []
