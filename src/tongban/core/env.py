"""Typed environment helpers that fail loudly on a bad value. Each read records its variable
with its default and help text, so the README's configuration table is generated from the
settings themselves (`tongban env_table`) and a test keeps it current."""

from __future__ import annotations

import os
from dataclasses import dataclass


class EnvError(RuntimeError):
    """Raised at start-up when an environment variable holds a value we cannot use."""


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    default: str  # as the table shows it
    help: str


# Every variable the settings read, in the order they are read.
ENV_VARS: dict[str, EnvVar] = {}


def _record(name: str, default: object, help: str, shown: str | None) -> None:
    if shown is None:
        if isinstance(default, bool):
            shown = "on" if default else "off"
        elif isinstance(default, list):
            shown = ",".join(default) if default else "unset"
        else:
            shown = str(default) if default not in (None, "") else "unset"
    ENV_VARS.setdefault(name, EnvVar(name, shown, help))


def env_str(
    name: str, default: str | None = None, *, help: str = "", shown: str | None = None
) -> str:
    _record(name, default, help, shown)
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise EnvError(f"environment variable {name} is required")
        return default
    return value


def env_bool(name: str, default: bool, *, help: str = "", shown: str | None = None) -> bool:
    _record(name, default, help, shown)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"environment variable {name}={value!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int, *, help: str = "", shown: str | None = None) -> int:
    _record(name, default, help, shown)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise EnvError(f"environment variable {name}={value!r} is not an integer") from exc


def env_list(
    name: str, default: list[str], *, help: str = "", shown: str | None = None
) -> list[str]:
    _record(name, default, help, shown)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_table() -> str:
    """The configuration table of the README, in Markdown."""
    lines = ["| variable | default | |", "|---|---|---|"]
    for var in ENV_VARS.values():
        lines.append(f"| `{var.name}` | {var.default} | {var.help} |")
    return "\n".join(lines) + "\n"
