"""委托授权: an applicant authorises an agent (with scope and expiry) and can revoke it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Delegation, Enterprise, Role, User
from tongban.catalog.models import ServiceItem
from tongban.core.audit import audit_log


@transaction.atomic
def delegation_grant(
    *,
    applicant: User,
    agent: User,
    valid_until: dt.datetime,
    item_codes: list[str] | None = None,
    enterprise: Enterprise | None = None,
) -> Delegation:
    errors: dict[str, list[str]] = {}
    if not agent.has_role(Role.AGENT):
        errors["agent"] = ["被委托人不是帮办代办员"]
    if agent.pk == applicant.pk:
        errors["agent"] = ["不能委托给本人"]
    now = timezone.now()
    if valid_until <= now:
        errors["valid_until"] = ["失效时间应晚于当前时间"]
    codes = sorted(set(item_codes or []))
    known = set(ServiceItem.objects.filter(code__in=codes).values_list("code", flat=True))
    if set(codes) - known:
        errors["item_codes"] = [f"事项不存在：{'、'.join(sorted(set(codes) - known))}"]
    if enterprise is not None and not enterprise.members.filter(pk=applicant.pk).exists():
        errors["enterprise"] = ["申请人不是该企业的经办人"]
    if errors:
        raise ValidationError(errors)
    delegation = Delegation.objects.create(
        applicant=applicant,
        agent=agent,
        enterprise=enterprise,
        item_codes=codes,
        valid_from=now,
        valid_until=valid_until,
    )
    audit_log(
        action="delegation.grant",
        obj=delegation,
        changes={
            "agent": [None, agent.username],
            "item_codes": [None, codes],
            "valid_until": [None, valid_until],
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, by: User) -> Delegation:
    if delegation.applicant_id != by.pk:
        raise PermissionDenied("只有委托人本人可以撤销授权")
    if delegation.revoked_at is None:
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        audit_log(action="delegation.revoke", obj=delegation, changes={"revoked": [False, True]})
    return delegation
