"""Who may do what on site: the department's reviewers assign inspectors to their
department's inspections; only the assigned inspectors record and conclude (an inspector of
one department concludes only that department's part of a merged visit); whoever may act for
the applicant chooses the visit's time."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import Role
from tongban.accounts.rules import is_administrator, role_predicate
from tongban.cases.rules import department_reviewer
from tongban.core.permissions import predicate, set_perm

is_reviewer = role_predicate(Role.REVIEWER)
is_field_staff = role_predicate(Role.INSPECTOR, Role.REVIEWER)
# Who may be assigned to inspect: active inspectors and reviewers of the department.
INSPECTING_ROLES = (Role.INSPECTOR, Role.REVIEWER)


def _assigned(user: Any, visit: Any) -> bool:
    if not (user.is_authenticated and visit is not None):
        return False
    return bool(visit.assignments.filter(inspector_id=user.pk).exists())


def _in_visit_department(user: Any, visit: Any) -> bool:
    if not (user.is_authenticated and visit is not None and user.department_id is not None):
        return False
    return bool(visit.inspections.filter(department_id=user.department_id).exists())


def _in_inspection_department(user: Any, inspection: Any) -> bool:
    return bool(
        user.is_authenticated
        and inspection is not None
        and user.department_id is not None
        and user.department_id == inspection.department_id
    )


def _assigned_to_inspection(user: Any, inspection: Any) -> bool:
    """An inspector assigned to the visit for this inspection's department."""
    if not (user.is_authenticated and inspection is not None):
        return False
    return bool(
        inspection.visit.assignments.filter(
            inspector_id=user.pk, department_id=inspection.department_id
        ).exists()
    )


assigned = predicate(_assigned, name="assigned_to_visit")
in_visit_department = predicate(_in_visit_department, name="in_visit_department")
in_inspection_department = predicate(_in_inspection_department, name="in_inspection_department")
assigned_to_inspection = predicate(_assigned_to_inspection, name="assigned_to_inspection")


def register() -> None:
    # An inspector sees the visits they are assigned to; the department's reviewers see all
    # of its visits (they name the inspectors and decide the cases).
    set_perm(
        "field.view_visit",
        (is_field_staff & assigned) | (is_reviewer & in_visit_department) | is_administrator,
    )
    set_perm("field.work_visit", is_field_staff & assigned)
    set_perm("field.conclude", is_field_staff & assigned_to_inspection)
    set_perm("field.assign", (is_reviewer & in_inspection_department) | is_administrator)
    # 撤销许可 after a broken 告知承诺: the issuing department's reviewers (of the case).
    set_perm("field.revoke_commitment", department_reviewer | is_administrator)
