"""A 一件事 after its one submission: each child goes to its department as soon as what it
needs from the bundle has an approved result (its data fetched only then), ends when what it
needs is refused; the parent follows its children's lifecycle (a follower, `bundle_follow`)
and is done when every child is; every result is handed over in one pickup."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase, BundleCaseState
from tongban.cases.models import Case, CaseState, Decision
from tongban.cases.services.events import case_event
from tongban.cases.services.followers import Transition, case_transition_publish
from tongban.cases.services.lifecycle import case_deliver
from tongban.cases.services.notices import case_notify_applicant
from tongban.cases.services.resolution import RESULT_STATES, materials_resolve
from tongban.cases.services.submission import materials_applicable, materials_check
from tongban.catalog.selectors import item_version
from tongban.core.audit import audit_log
from tongban.core.texts import Said, said

# The cause of the transitions the 一件事 makes itself (dispatching or ending a child).
BUNDLE_CAUSE = "bundle"


def bundle_children(parent: BundleCase) -> dict[str, Case]:
    """The 一件事's cases by their key in the bundle."""
    return {
        c.bundle_key: c
        for c in Case.objects.filter(bundle_case=parent)
        .select_related("applicant", "enterprise", "department")
        .prefetch_related("materials")
    }


def _dispatch(child: Case, parent: BundleCase, note: str) -> bool:
    """Submit a waiting child to its department. Its in-bundle results are fetched first;
    if something is still missing, it waits and the applicant is told what."""
    materials_resolve(child, materials_applicable(child))
    with transaction.atomic():
        child = (
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant", "enterprise", "department")
            .prefetch_related("materials")
            .get(pk=child.pk)
        )
        if child.state != CaseState.DRAFT:
            return False
        child.item = item_version(child.item_id)
        _, problems = materials_check(child, {})
        if problems:
            case_event(
                child,
                actor=None,
                action="bundle_wait",
                note=said(
                    gettext_noop("暂不能分送，需申请人补充：{problems}"),
                    problems="；".join(m for ms in problems.values() for m in ms),
                ),
            )
            return False
        child.submit()
        child.submitted_at = timezone.now()
        child.waiting_for = []
        child.save()
        case_event(child, actor=None, action="dispatch", from_state=CaseState.DRAFT, note=note)
        case_notify_applicant(child, "submit")
        audit_log(
            action="case.dispatch",
            obj=child,
            changes={"state": [CaseState.DRAFT, child.state], "bundle_case": parent.number},
        )
        case_transition_publish(
            child,
            actor=None,
            action="dispatch",
            from_state=CaseState.DRAFT,
            note=note,
            cause=BUNDLE_CAUSE,
        )
    return True


def bundle_dispatch(parent: BundleCase) -> list[str]:
    """Dispatch every waiting child whose dependencies have produced an approved result;
    end those whose dependency was refused or ended. Returns the keys dispatched."""
    children = bundle_children(parent)
    sent = []
    for key, child in children.items():
        if child.state != CaseState.DRAFT:
            continue
        needed = [children[k] for k in child.waiting_for if k in children]
        failed = [
            c
            for c in needed
            if c.is_final
            and not (c.state == CaseState.COMPLETED and c.decision == Decision.GRANT)
            or c.decision == Decision.DENY
        ]
        if failed:
            _end(
                child,
                said(gettext_noop("前置事项“{item}”未获准予，本事项无法办理"), item=failed[0].item),
            )
            continue
        if all(c.state in RESULT_STATES and c.decision == Decision.GRANT for c in needed):
            note = (
                said(
                    gettext_noop("前置事项{items}已出结果，自动分送{department}"),
                    items=_quoted([c.item for c in needed]),
                    department=child.department,
                )
                if needed
                else said(
                    gettext_noop("一件事提交，同步分送{department}"), department=child.department
                )
            )
            if _dispatch(child, parent, note):
                sent.append(key)
    bundle_case_refresh(parent)
    return sent


def _end(child: Case, reason: str) -> None:
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=child.pk)
        if locked.state != CaseState.DRAFT:
            return
        locked.terminate()
        locked.closing_reason = reason
        locked.completed_at = timezone.now()
        locked.save()
        case_event(locked, actor=None, action="terminate", from_state=CaseState.DRAFT, note=reason)
        audit_log(action="case.terminate", obj=locked, changes={"reason": reason})
        case_transition_publish(
            locked,
            actor=None,
            action="terminate",
            from_state=CaseState.DRAFT,
            note=reason,
            cause=BUNDLE_CAUSE,
        )


def bundle_case_refresh(parent: BundleCase) -> BundleCase:
    """The parent's state from its children: done when every child is final."""
    states = list(Case.objects.filter(bundle_case=parent).values_list("state", "decision"))
    if parent.state == BundleCaseState.DRAFT or not states:
        return parent
    finals = {CaseState.REJECTED, CaseState.COMPLETED, CaseState.WITHDRAWN, CaseState.TERMINATED}
    if all(s in finals for s, _ in states):
        granted = any(s == CaseState.COMPLETED for s, _ in states)
        new = BundleCaseState.COMPLETED if granted else BundleCaseState.CLOSED
        if parent.state != new:
            BundleCase.objects.filter(pk=parent.pk).update(state=new, completed_at=timezone.now())
            parent.state = new
            audit_log(action="bundle_case.complete", obj=parent, changes={"state": new})
    return parent


# What a child does that matters to its 一件事: a result (a sibling waiting for it can go), or
# an end (the parent may be done, a sibling that needed it cannot be handled).
FOLLOWED_ACTIONS = frozenset(
    {"reject", "decide", "produce_result", "complete", "withdraw", "terminate"}
)


def bundle_follow(transition: Transition, case: Case, actor: User | None) -> None:
    """The 一件事's follower of the case lifecycle: after a child's result is produced or it
    ends, dispatch what now can go and bring the parent's state up to date. Changes the
    一件事 made itself are already accounted for by the dispatch that made them."""
    if (
        case.bundle_case_id is None
        or transition.cause == BUNDLE_CAUSE
        or transition.action not in FOLLOWED_ACTIONS
    ):
        return
    parent = BundleCase.objects.select_related("bundle").get(pk=case.bundle_case_id)
    bundle_dispatch(parent)


@transaction.atomic
def bundle_deliver(
    *, parent: BundleCase, actor: User, mode: str, in_person: bool = False
) -> list[Case]:
    """One pickup (一次领取): every result of the 一件事 handed over together, once they are
    all produced; coming to the window for them is one visit, recorded on the first child."""
    children = list(
        Case.objects.select_for_update(of=("self",))
        .filter(bundle_case=parent)
        .select_related("item", "department")
        .order_by("pk")
    )
    open_children = [c for c in children if not c.is_final]
    if not open_children:
        raise ValidationError({"bundle_case": ["该一件事没有待送达的结果"]})
    if waiting := [c for c in open_children if c.state != CaseState.RESULT_READY]:
        names = "、".join(c.item.name for c in waiting)
        raise ValidationError({"bundle_case": [f"尚有事项的结果未制作完成：{names}"]})
    delivered = []
    for n, child in enumerate(open_children):
        delivered.append(
            case_deliver(case=child, actor=actor, mode=mode, in_person=in_person and n == 0)
        )
    audit_log(
        action="bundle_case.deliver",
        obj=parent,
        changes={"mode": mode, "cases": [c.pk for c in delivered], "in_person": in_person},
    )
    return delivered


def _quoted(items: list[Any]) -> Said:
    """“甲”、“乙” in Chinese, and in each other language its own way."""
    parts = [said(gettext_noop("“{item}”"), item=i) for i in items]
    joined: dict[str, str] = {}
    for code in parts[0].translations if parts else {}:
        joined[code] = ", ".join(p.translations.get(code, p) for p in parts)
    return Said("、".join(parts), joined)
