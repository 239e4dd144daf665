"""Reads on cases shared by pages, the API and the permission rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from tongban.accounts.models import Delegation, User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case, CaseEvent, CaseMaterial, Visit
from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import item_briefs, item_version
from tongban.core.ids import id_digest, validate_id_number, validate_uscc


def delegation_active(
    *, applicant_id: int, agent_id: int, item_code: str, enterprise_id: int | None = None
) -> Delegation | None:
    """The agent's current authorisation from this applicant covering the item, if any. A
    mandate given for an enterprise covers that enterprise's cases only."""
    now = timezone.now()
    for delegation in Delegation.objects.filter(
        applicant_id=applicant_id,
        agent_id=agent_id,
        revoked_at__isnull=True,
        valid_from__lte=now,
        valid_until__gt=now,
    ):
        if delegation.enterprise_id is not None and delegation.enterprise_id != enterprise_id:
            continue
        if not delegation.item_codes or item_code in delegation.item_codes:
            return delegation
    return None


def case_get(pk: int) -> Case | None:
    """The bare row, enough for the permission rules; related rows load when used."""
    return Case.objects.filter(pk=pk).first()


def access_case(user: User, case_id: int, *, detail: bool = False) -> Case:
    """The case if `user` may see it, for the API and the pages alike; 404 otherwise, so a
    case's existence does not leak. `detail` loads what the case page shows in one go; else
    the bare row, enough for the permission rules and a step."""
    case = case_detail(case_id) if detail else case_get(case_id)
    if case is None or not user.has_perm("cases.view_case", case):
        raise Http404("办件不存在")
    return case


def case_list_for_applicant(user_id: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(Q(applicant_id=user_id) | Q(created_by_id=user_id))
        .select_related("item", "department")
        .order_by("-created_at")
    )


STAFF_QUEUES = {
    # role → the states its work list shows by default
    "clerk": ["submitted", "pre_review", "correction", "result_ready", "delivered"],
    "reviewer": [
        "submitted",
        "pre_review",
        "correction",
        "accepted",
        "in_review",
        "suspended",
        "decided",
        "result_ready",
    ],
}


def _staff_scope(user: Any) -> tuple[QuerySet[Case], list[str] | None] | None:
    """The cases a staff member may see, and the states of their queue (None: every state)."""
    scope = Case.objects.select_related("applicant")
    if user.has_role("administrator", "hall_manager"):
        return scope, None
    if user.has_role("reviewer") and user.department_id is not None:
        return scope.filter(department_id=user.department_id), STAFF_QUEUES["reviewer"]
    if user.has_role("clerk"):
        return scope, STAFF_QUEUES["clerk"]
    return None


def case_search(user: Any, query: str) -> QuerySet[Case]:
    """Every case in the staff member's scope (open or closed) that `query` names: a case or
    一件事 number, an applicant's full ID number (matched by its keyed digest, so the number
    is in no query) or name, an enterprise's credit code or name, or part of an item's name."""
    staff = _staff_scope(user)
    text = " ".join(query.split())[:60]
    if staff is None or len(text) < 2:
        return Case.objects.none()
    scope = staff[0]
    upper = text.upper()
    match = Q(number=upper) | Q(bundle_case__number=upper)
    if len(upper) == 18:
        try:
            validate_id_number(upper)
        except ValidationError:
            pass
        else:
            match = Q(applicant__id_number_digest=id_digest(upper))
        try:
            validate_uscc(upper)
        except ValidationError:
            pass
        else:
            match |= Q(enterprise__uscc=upper)
    elif not upper.isascii():
        match |= Q(applicant__real_name=text) | Q(item__name__icontains=text)
        match |= Q(enterprise__name__icontains=text)
    return scope.filter(match).select_related("item", "department").order_by("-pk")


def case_worklist(
    user: Any,
    *,
    state: str | None = None,
    item_code: str | None = None,
    warning: str | None = None,
    due_before: dt.date | None = None,
) -> QuerySet[Case]:
    """A staff member's work list: clerks see every department (只进一扇门), reviewers their own
    department, hall managers and administrators everything."""
    staff = _staff_scope(user)
    if staff is None:
        return Case.objects.none()
    scope, states = staff
    if state:
        cases = scope.filter(state=state)
    else:
        # The open cases, read through the partial index on in_queue.
        cases = scope.filter(in_queue=True)
        if states is not None:
            cases = cases.filter(state__in=states)
    if item_code:
        cases = cases.filter(item_id__in=ServiceItem.objects.filter(code=item_code).values("pk"))
    if warning:
        cases = cases.filter(warning=warning)
    if due_before:
        cases = cases.filter(promised_due__lte=due_before)
    return cases.order_by("queue_date", "pk")


def case_detail(pk: int) -> Case | None:
    case = (
        Case.objects.select_related("applicant", "enterprise", "created_by", "bundle_case__bundle")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor__department")),
            Prefetch("materials", queryset=CaseMaterial.objects.select_related("material")),
            "suspensions",
            "extensions",
            "visits",
            # The case page's results and reviews, by relation name: the apps that own them
            # sit above cases and are never imported here.
            "certificates__type",
            "joint_reviews",
        )
        .filter(pk=pk)
        .first()
    )
    if case is not None:
        # The item version and its department from the per-version cache, not a join.
        case.item = item_version(case.item_id)
        if case.department_id == case.item.department_id:
            case.department = case.item.department
    return case


# see decision 33
def with_timeline(case: Case, viewer: User) -> Case:
    """A case just written, made ready for its detail (materials and timeline) without loading
    it again: two reads, each row's material from the cached item version and each entry's
    actor from the users at hand (other staff in one query) rather than joins."""
    if not Case.item.is_cached(case):
        case.item = item_version(case.item_id)
    if case.department_id == case.item.department_id:
        case.department = case.item.department
    if case.applicant_id == viewer.pk:
        case.applicant = viewer
    case._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    prefetch_related_objects([case], "materials", "events")
    materials = {m.pk: m for m in case.item.materials.all()}
    for row in case.materials.all():
        if row.material_id in materials:
            row.material = materials[row.material_id]
    users = {viewer.pk: viewer, case.applicant_id: case.applicant}
    missing = {e.actor_id for e in case.events.all()} - users.keys() - {None}
    if missing:
        users |= User.objects.select_related("department").in_bulk(missing)
    for event in case.events.all():
        if event.actor_id in users:
            event.actor = users[event.actor_id]
    return case


def with_items(page: list[Case]) -> list[Case]:
    """Each case's item version and department from the per-version cache instead of joining
    the wide item table into every list query."""
    items = item_briefs(c.item_id for c in page)
    for case in page:
        case.item = items[case.item_id]
        if case.department_id == case.item.department_id:
            case.department = case.item.department
    return page


# see decision 8
def with_visit_counts(page: list[Case]) -> list[Case]:
    """Visit counts for one page of a list in one query (a join + GROUP BY over the whole
    list would sort all of it before the LIMIT); item versions come from the cache."""
    with_items(page)
    counts = dict(
        Visit.objects.filter(case_id__in=[c.pk for c in page])
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    for case in page:
        case.visit_count = counts.get(case.pk, 0)  # type: ignore[attr-defined]
    return page


def bundle_cases_for_applicant(user_id: int) -> QuerySet[BundleCase]:
    """The applicant's 一件事 cases, newest first (each also lists its children below)."""
    return (
        BundleCase.objects.filter(applicant_id=user_id)
        .select_related("bundle", "enterprise")
        .order_by("-created_at")
    )
