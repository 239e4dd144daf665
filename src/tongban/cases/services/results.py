"""Result makers: what else is made when a case's result is produced. Apps above cases (the
certificate library) register here, so cases never imports them. Each maker runs inside the
producing transaction: if it fails, the case stays decided and nothing is half-made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.core.registry import Registry

# The actor is None when the platform produces the result itself (告知承诺: issued at once).
ResultMaker = Callable[[Case, User | None], object]

result_makers: Registry[ResultMaker] = Registry("result maker")


def results_make(case: Case, actor: User | None) -> None:
    for name in result_makers.names():
        result_makers.get(name)(case, actor)


# What else is made when a joint review's one decision is taken (the signed opinion form).
JointMaker = Callable[[Any, User], object]

joint_decision_makers: Registry[JointMaker] = Registry("joint decision maker")


def joint_decision_make(review: Any, actor: User) -> None:
    for name in joint_decision_makers.names():
        joint_decision_makers.get(name)(review, actor)


# Who seals a submitted application form's PDF: the application form filled online stands for
# its material (申请表), so the copy the applicant and the departments download is a signed
# document. Apps above cases (the certificate library's seal) register; unsigned without one.
FormSealer = Callable[[bytes, str], bytes]

form_sealers: Registry[FormSealer] = Registry("form sealer")


def form_seal(pdf: bytes, reason: str) -> bytes:
    for name in form_sealers.names():
        pdf = form_sealers.get(name)(pdf, reason)
    return pdf
