"""Who may do what in the exchange: data stewards run their department's side (publishing,
approving, requesting grants), department staff query within their department's grants, and
administrators see everything but never read a subject's data themselves."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, role_predicate
from tongban.core.permissions import predicate, set_perm

is_steward = role_predicate(Role.DATA_STEWARD)
is_case_staff = role_predicate(Role.CLERK, Role.REVIEWER, Role.DATA_STEWARD)


def _member_of(user: Any, department: Any) -> bool:
    return bool(
        user.is_authenticated
        and department is not None
        and user.department_id is not None
        and user.department_id == department.pk
    )


def _provider_of_grant(user: Any, grant: Any) -> bool:
    return bool(grant is not None and _member_of(user, grant.resource.provider))


def _consumer_of_grant(user: Any, grant: Any) -> bool:
    return bool(grant is not None and _member_of(user, grant.consumer))


member_of = predicate(_member_of, name="member_of")
provider_of_grant = predicate(_provider_of_grant, name="provider_of_grant")
consumer_of_grant = predicate(_consumer_of_grant, name="consumer_of_grant")


def register() -> None:
    # object: the department on whose behalf the action is taken
    set_perm("exchange.request_grant", (is_steward & member_of) | is_administrator)
    set_perm("exchange.query", is_case_staff & member_of)
    set_perm("exchange.review_access", is_steward | is_administrator)
    # object: the grant
    set_perm("exchange.decide_grant", (is_steward & provider_of_grant) | is_administrator)
    set_perm(
        "exchange.revoke_grant",
        (is_steward & (provider_of_grant | consumer_of_grant)) | is_administrator,
    )
