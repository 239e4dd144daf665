"""Result makers: what else is made when a case's result is produced. Apps above cases (the
certificate library) register here, so cases never imports them. Each maker runs inside the
producing transaction: if it fails, the case stays decided and nothing is half-made."""

from __future__ import annotations

from collections.abc import Callable

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core.registry import Registry

ResultMaker = Callable[[Case, User], object]

result_makers: Registry[ResultMaker] = Registry("result maker")


def results_make(case: Case, actor: User) -> None:
    for name in result_makers.names():
        result_makers.get(name)(case, actor)
