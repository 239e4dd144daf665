"""Materials a follower waives: apps above cases register what a case need not provide (a
signed 告知承诺 replaces the proofs it promises), so the submission neither asks for them
nor lists them as missing. A waiver is a function of the case and the submission's extras
(the draft panels' fields: a commitment being signed with this submission)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tongban.cases.models import Case
from tongban.core.registry import Registry

Waiver = Callable[[Case, Mapping[str, Any]], set[int]]

material_waivers: Registry[Waiver] = Registry("material waiver")


def materials_waived(case: Case, extras: Mapping[str, Any]) -> set[int]:
    waived: set[int] = set()
    for name in material_waivers.names():
        waived |= material_waivers.get(name)(case, extras)
    return waived
