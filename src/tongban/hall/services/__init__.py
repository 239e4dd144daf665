"""Writes in the hall: tickets, the window console, window sessions."""

from __future__ import annotations

from tongban.core.errors import Conflict


class HallConflict(Conflict):
    """The hall, window or ticket is not in a state that allows this (HTTP 409)."""
