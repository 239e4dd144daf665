"""Who may see and revoke a certificate: its holder (the person, or a member of the holding
enterprise), the issuing department's reviewers, window clerks (who hand results over) and
administrators; revocation only by the issuing department's reviewers and administrators."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, role_predicate
from tongban.core.permissions import predicate, set_perm

is_clerk = role_predicate(Role.CLERK)
is_reviewer = role_predicate(Role.REVIEWER)


def _is_holder(user: Any, certificate: Any) -> bool:
    if not (user.is_authenticated and certificate is not None):
        return False
    if certificate.holder_user_id == user.pk:
        return True
    if certificate.holder_kind == "enterprise":
        return bool(user.enterprises.filter(uscc=certificate.holder_key).exists())
    return bool(user.id_number and user.id_number == certificate.holder_key)


def _in_issuer(user: Any, certificate: Any) -> bool:
    return bool(
        user.is_authenticated
        and certificate is not None
        and user.department_id is not None
        and user.department_id == certificate.issuer_id
    )


is_holder = predicate(_is_holder, name="is_certificate_holder")
in_issuer = predicate(_in_issuer, name="in_issuing_department")


def register() -> None:
    set_perm(
        "certificates.view_certificate",
        is_holder | is_clerk | (is_reviewer & in_issuer) | is_administrator,
    )
    set_perm("certificates.revoke_certificate", (is_reviewer & in_issuer) | is_administrator)
