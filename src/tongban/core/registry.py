"""One small typed registry for plugins (notification channels, exchange providers, seal
signers, ID readers): registered explicitly at start-up, never by import side effects."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, T] = {}

    def register(self, name: str, plugin: T, *, replace: bool = False) -> T:
        if name in self._plugins and not replace:
            raise ValueError(f"{self.kind} '{name}' is already registered")
        self._plugins[name] = plugin
        return plugin

    def get(self, name: str) -> T:
        try:
            return self._plugins[name]
        except KeyError as exc:
            raise LookupError(f"no {self.kind} named '{name}'") from exc

    def names(self) -> list[str]:
        return sorted(self._plugins)
