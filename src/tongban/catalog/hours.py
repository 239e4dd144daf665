"""Where and when an item is handled in person, when the catalogue entry leaves 办理时间 empty:
the apps that run the places (the hall) answer it. A hook, so that the catalogue depends on no
app above it (the same way `cases.panels` lets apps above add to the case page)."""

from __future__ import annotations

from collections.abc import Callable

HoursSource = Callable[[str], str]
_sources: list[HoursSource] = []


def hours_source_register(source: HoursSource) -> None:
    if source not in _sources:
        _sources.append(source)


def item_hours(code: str, stated: str = "") -> str:
    """The item's own 办理时间, else the first place's hours for it, else ""."""
    if stated:
        return stated
    for source in _sources:
        hours = source(code)
        if hours:
            return hours
    return ""
