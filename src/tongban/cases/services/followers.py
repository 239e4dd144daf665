"""Followers of the case lifecycle. The lifecycle publishes every state change of a case;
what else must happen then (a 一件事 dispatching a sibling, a delivery made ready, a rating
invited, an inspection closed) registers here, in its app's `AppConfig.ready()`, so the
lifecycle never imports what reacts to it.

Followers run inside the transaction of the change, after its timeline entry and audit
record, in ascending `order` (then by name): a follower that fails rolls the change back.
A follower is told which transition happened, on which case, by whom (None: the platform).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case


@dataclass(frozen=True, slots=True)
class Transition:
    """One state change: the timeline's action name, the states before and after, the note
    written on the timeline, and whatever the step recorded (a decision, a delivery mode).
    `cause` names the part of the platform that made the change when no person did (the
    一件事 dispatching a child); a follower can skip the changes it made itself."""

    action: str
    from_state: str
    to_state: str
    note: str = ""
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    cause: str = ""


Follower = Callable[[Transition, Case, User | None], None]


class FollowerRegistry:
    """Followers by name, each with its place in the order they are called."""

    def __init__(self) -> None:
        self._followers: dict[str, tuple[int, Follower]] = {}

    def register(self, name: str, follower: Follower, *, order: int) -> Follower:
        if name in self._followers:
            raise ValueError(f"lifecycle follower '{name}' is already registered")
        self._followers[name] = (order, follower)
        return follower

    def unregister(self, name: str) -> None:
        self._followers.pop(name, None)

    def names(self) -> list[str]:
        """In the order they are called."""
        return [name for name, _ in sorted(self._followers.items(), key=lambda i: (i[1][0], i[0]))]

    def publish(self, transition: Transition, case: Case, actor: User | None) -> None:
        for name in self.names():
            self._followers[name][1](transition, case, actor)


followers = FollowerRegistry()


def case_transition_publish(
    case: Case,
    *,
    actor: User | None,
    action: str,
    from_state: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    cause: str = "",
) -> Transition:
    """Tell every follower that `case` moved from `from_state` to its current state."""
    transition = Transition(
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=MappingProxyType(dict(data or {})),
        cause=cause,
    )
    followers.publish(transition, case, actor)
    return transition
