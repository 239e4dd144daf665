"""Where an inspection goes: the site's address, from the application's form."""

from __future__ import annotations

from tongban.cases.models import Case
from tongban.catalog.inspections import InspectionRule

# The form fields that hold a site's address, after the one the item's rule names.
ADDRESS_FIELDS = ("premises_address", "venue_address", "site_address", "company_address")


def address_of(case: Case, rule: InspectionRule | None) -> str:
    """Where the site is: the form field the rule names, else the usual ones, else the
    enterprise's registered address."""
    data = case.form_data or {}
    for key in (rule.address_field if rule is not None else "", *ADDRESS_FIELDS):
        if key and isinstance(data.get(key), str) and data[key].strip():
            return str(data[key]).strip()[:200]
    if case.enterprise_id is not None and case.enterprise.address:  # type: ignore[union-attr]
        return case.enterprise.address  # type: ignore[union-attr]
    return ""
