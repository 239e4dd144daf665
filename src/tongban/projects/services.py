"""帮办代办: an agent starts a construction project under the enterprise's mandate and carries
its whole approval chain (one 一件事, `PROJECT_BUNDLE`); the project is done when its
construction permit is granted. 金钥匙 outreach days are recorded, and the cases started
there linked to them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.accounts.models import Delegation, User
from tongban.cases.bundles.services import bundle_start
from tongban.cases.models import Case, CaseState, Decision
from tongban.cases.services.followers import Transition
from tongban.catalog.bundles import parse_bundle
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core import clock
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.projects.models import OutreachCase, OutreachEvent, Project

# The 一件事 a project's approval chain is, and the key of its last stage (施工许可).
PROJECT_BUNDLE = "construction-permit"
PERMIT_KEY = "permit"
# 投资项目统一代码: year, area code, industry and serial, e.g. 2026-610100-47-01-000123.
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")


def _text(value: Any, field: str, label: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: [f"请填写{label}"]})
    if len(text) > limit:
        raise ValidationError({field: [f"{label}不能超过{limit}字"]})
    return text


def _mandate_in_force(mandate: Delegation, now: dt.datetime) -> bool:
    return mandate.revoked_at is None and mandate.valid_from <= now < mandate.valid_until


def _outside_scope(mandate: Delegation, bundle: Bundle) -> list[str]:
    """The chain's items the mandate does not cover (an empty scope covers all)."""
    if not mandate.item_codes:
        return []
    basic_codes = [spec.item for spec in parse_bundle(bundle.definition).items]
    items = ServiceItem.objects.filter(
        basic_code__in=basic_codes, state=ServiceItem.State.PUBLISHED
    )
    return [i.name for i in items if i.code not in mandate.item_codes]


def project_start(
    *,
    actor: User,
    mandate: Delegation,
    name: Any,
    code: Any,
    choices: Mapping[str, str] | None = None,
    idempotency_key: str,
) -> Project:
    """The agent opens the project: its approval chain as one 一件事 applied for in the
    enterprise's name, under the mandate (scope, expiry)."""
    if not actor.has_perm("projects.start_project"):
        raise PermissionDenied("只有帮办代办员可以代办工程建设项目")
    if mandate.agent_id != actor.pk:
        raise PermissionDenied("该委托授权不是给您的")
    if not _mandate_in_force(mandate, timezone.now()):
        raise ValidationError({"mandate_id": ["委托授权已撤销或已过期"]})
    if mandate.enterprise_id is None:
        raise ValidationError({"mandate_id": ["工程建设项目须由建设单位（企业）委托"]})
    project_name = _text(name, "name", "项目名称", 120)
    project_code = str(code or "").strip()
    if not PROJECT_CODE.match(project_code):
        raise ValidationError(
            {
                "code": [
                    "项目代码格式应为 年份-行政区划-行业-类别-流水号，如 2026-610100-47-01-000123"
                ]
            }
        )
    existing = Project.objects.filter(code=project_code).first()
    if existing is not None:
        if (
            existing.agent_id == actor.pk
            and existing.bundle_case.idempotency_key == idempotency_key
        ):
            return existing  # the same start sent again
        raise ValidationError({"code": ["该项目代码已有项目"]})
    bundle = Bundle.objects.filter(code=PROJECT_BUNDLE, active=True).first()
    if bundle is None:
        raise Conflict(f"本市尚未配置工程建设项目审批链（一件事“{PROJECT_BUNDLE}”）")
    outside = _outside_scope(mandate, bundle)
    if outside:
        raise PermissionDenied(f"委托授权不包含以下事项：{'、'.join(outside)}")
    with transaction.atomic():
        parent = bundle_start(
            actor=actor,
            bundle=bundle,
            applicant=mandate.applicant,
            enterprise=mandate.enterprise,
            choices=choices or {},
            idempotency_key=idempotency_key,
        )
        try:
            with transaction.atomic():
                project = Project.objects.create(
                    name=project_name,
                    code=project_code,
                    enterprise=mandate.enterprise,  # type: ignore[misc]
                    applicant=mandate.applicant,
                    agent=actor,
                    mandate=mandate,
                    bundle_case=parent,
                )
        except IntegrityError as exc:
            raise ValidationError({"code": ["该项目代码已有项目"]}) from exc
        audit_log(
            action="project.start",
            obj=project,
            changes={"code": project_code, "mandate": mandate.pk, "bundle_case": parent.pk},
        )
    return project


def project_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """A project is done when its construction permit is granted."""
    if (
        case.bundle_case_id is None
        or case.bundle_key != PERMIT_KEY
        or transition.to_state != CaseState.DECIDED
        or case.decision != Decision.GRANT
    ):
        return
    updated = Project.objects.filter(
        bundle_case_id=case.bundle_case_id, state=Project.State.OPEN
    ).update(state=Project.State.DONE, done_on=clock.localdate())
    if updated:
        project = Project.objects.get(bundle_case_id=case.bundle_case_id)
        audit_log(action="project.done", obj=project, changes={"done_on": str(project.done_on)})


# --- 金钥匙 outreach days --------------------------------------------------------------------


@transaction.atomic
def outreach_event_create(
    *,
    actor: User,
    name: Any,
    place: Any,
    held_on: dt.date,
    team: Iterable[User],
    people_served: int = 0,
    notes: Any = "",
) -> OutreachEvent:
    if not actor.has_perm("projects.record_outreach"):
        raise PermissionDenied("只有工作人员可以登记上门服务活动")
    members = list(team)
    if actor not in members:
        members.append(actor)  # who records the day served there
    if people_served < 0:
        raise ValidationError({"people_served": ["服务人数不能为负"]})
    event = OutreachEvent.objects.create(
        name=_text(name, "name", "活动名称", 120),
        place=_text(place, "place", "地点", 200),
        held_on=held_on,
        people_served=people_served,
        notes=str(notes or "").strip()[:2000],
        created_by=actor,
    )
    event.team.set(members)
    audit_log(action="outreach.create", obj=event, changes={"team": [u.pk for u in members]})
    return event


@transaction.atomic
def outreach_case_link(*, actor: User, event: OutreachEvent, case: Case) -> OutreachCase:
    """A case started at the event (by a team member, on the day) counts in its figures."""
    if not event.team.filter(pk=actor.pk).exists():
        raise PermissionDenied("只有该活动的服务团队可以登记活动办件")
    started = timezone.localdate(case.created_at)
    if started != event.held_on:
        raise ValidationError({"case": ["只有活动当天受理的办件可以计入该活动"]})
    if OutreachCase.objects.filter(case=case).exists():
        raise Conflict("该办件已计入一次活动")
    link = OutreachCase.objects.create(event=event, case=case, linked_by=actor)
    audit_log(action="outreach.link", obj=event, changes={"case": case.pk})
    return link
