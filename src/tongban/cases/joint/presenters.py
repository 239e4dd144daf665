"""What the joint-review pages show, computed from the rows: the templates run no queries."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from tongban.accounts.models import Department, Role, User
from tongban.cases.joint.models import JointReview, JointReviewState, OpinionKind
from tongban.cases.models import Case


def joint_new_page(
    case: Case,
    agenda: list[Case],
    departments: list[Department],
    invited: Collection[int] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    chosen = set(invited) if invited is not None else {c.department_id for c in agenda}
    return {
        "case": case,
        "agenda": agenda,
        "departments": [(d, d.pk in chosen) for d in departments],
        "errors": dict(errors or {}),
    }


def joint_review_page(
    review: JointReview, viewer: User, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    rows = list(review.opinions.select_related("department", "entered_by"))
    mine = next((r for r in rows if r.department_id == viewer.department_id), None)
    lead = viewer.department_id == review.lead_department_id or viewer.has_role(Role.ADMINISTRATOR)
    return {
        "review": review,
        "agenda": list(review.cases.select_related("item", "department").order_by("pk")),
        "rows": rows,
        "mine": mine if review.state == JointReviewState.OPEN else None,
        "lead": lead,
        "complete": all(r.opinion for r in rows),
        "kinds": OpinionKind.choices,
        "certificates": list(review.certificates.all()),
        "errors": dict(errors or {}),
    }
