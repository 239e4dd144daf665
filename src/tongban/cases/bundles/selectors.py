"""Reads on 一件事 cases shared by the pages and the API."""

from __future__ import annotations

from django.http import Http404

from tongban.accounts.models import User
from tongban.cases.bundles.models import BundleCase


def access_bundle_case(user: User, bundle_case_id: int) -> BundleCase:
    """The 一件事 case if `user` applied for it or made it; 404 otherwise, so its existence
    does not leak."""
    parent = (
        BundleCase.objects.select_related("bundle", "enterprise").filter(pk=bundle_case_id).first()
    )
    if parent is None or user.pk not in (parent.applicant_id, parent.created_by_id):
        raise Http404("办件不存在")
    return parent


def bundle_case_for_delivery(user: User, bundle_case_id: int) -> BundleCase:
    """The 一件事 case for window staff who may hand over its results; 404 otherwise."""
    parent = BundleCase.objects.filter(pk=bundle_case_id).first()
    first = parent.children.order_by("pk").first() if parent else None
    if parent is None or first is None or not user.has_perm("cases.deliver_case", first):
        raise Http404("办件不存在")
    return parent
