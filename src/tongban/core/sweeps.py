"""The periodic jobs `tongban sweep` runs: each app registers its own at start-up, so the
command in core never imports the apps above it."""

from __future__ import annotations

from collections.abc import Callable

from tongban.core.registry import Registry

# A sweep does its work and returns one line for the log (in Chinese, with its figures).
sweeps: Registry[Callable[[], str]] = Registry("sweep")
