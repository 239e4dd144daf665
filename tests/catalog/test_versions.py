"""Item versions: published versions are frozen; edits make drafts; publishing supersedes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ServiceItemFactory
from tongban.catalog.models import Material, ServiceItem
from tongban.catalog.services import (
    PublishBlocked,
    item_new_draft,
    item_publish,
    item_update_draft,
)
from tongban.core.audit import audit_verify
from tongban.core.models import AuditRecord


@pytest.fixture
def published(db: None) -> ServiceItem:
    return ServiceItemFactory(with_guide=True)


def test_editing_a_published_item_makes_a_new_draft_with_all_its_rows(
    published: ServiceItem,
) -> None:
    draft = item_new_draft(item=published)
    assert draft.pk != published.pk
    assert (draft.code, draft.version, draft.state) == (published.code, 2, "draft")
    assert draft.previous == published
    assert draft.materials.count() == published.materials.count() == 3
    rent_material = draft.materials.get(name="房屋租赁合同")
    assert [o.ref for o in rent_material.applies_when.all()] == ["premises.rent"]
    assert draft.conditions.get().legal_basis is not None
    # Asking again returns the same draft rather than a second one.
    assert item_new_draft(item=published).pk == draft.pk


def test_a_published_version_is_never_edited(published: ServiceItem) -> None:
    with pytest.raises(ValidationError, match="先创建新草稿"):
        item_update_draft(item=published, name="改名")
    published.refresh_from_db()
    assert published.name.startswith("测试事项")


def test_publishing_a_draft_supersedes_the_old_version_which_stays_as_it_was(
    published: ServiceItem,
) -> None:
    # A running case holds the primary key of the version it was created under.
    case_item_pk = published.pk
    draft = item_new_draft(item=published)
    item_update_draft(item=draft, promised_limit_days=2, name="测试事项（新版）")
    Material.objects.filter(item=draft, name="申请书").delete()
    item_publish(item=draft)

    old = ServiceItem.objects.get(pk=case_item_pk)
    assert old.state == ServiceItem.State.SUPERSEDED
    assert old.promised_limit_days == 5
    assert old.materials.filter(name="申请书").exists()
    current = ServiceItem.objects.get(code=published.code, state="published")
    assert (current.pk, current.version, current.promised_limit_days) == (draft.pk, 2, 2)
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert actions == ["catalog.item_new_draft", "catalog.item_update", "catalog.item_publish"]
    assert audit_verify().ok


def test_a_promised_limit_above_the_legal_limit_is_refused_naming_the_field(
    published: ServiceItem,
) -> None:
    draft = item_new_draft(item=published)
    with pytest.raises(ValidationError) as caught:
        item_update_draft(item=draft, promised_limit_days=30)
    assert "承诺办结时限" in caught.value.message_dict["promised_limit_days"][0]
    draft.refresh_from_db()
    assert draft.promised_limit_days == 5


def test_a_promise_is_whole_or_half_working_days(published: ServiceItem) -> None:
    from decimal import Decimal

    draft = item_new_draft(item=published)
    for bad in (Decimal("0.3"), Decimal("-1")):
        with pytest.raises(ValidationError) as caught:
            item_update_draft(item=draft, promised_limit_days=bad)
        assert "半个工作日" in caught.value.message_dict["promised_limit_days"][0]
    item_update_draft(item=draft, promised_limit_days=Decimal("0.5"))
    draft.refresh_from_db()
    assert draft.promised_limit_days == Decimal("0.5") and not draft.is_immediate


def test_the_database_itself_refuses_a_promised_limit_above_the_legal_limit(
    published: ServiceItem,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=published.pk).update(promised_limit_days=99)


def test_only_one_published_version_per_code(published: ServiceItem) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemFactory(code=published.code, version=2, with_guide=False)


def test_a_draft_failing_a_blocking_check_is_not_published(published: ServiceItem) -> None:
    draft = item_new_draft(item=published)
    item_update_draft(item=draft, visits_required=1, online_depth=3, visits_reason="")
    with pytest.raises(PublishBlocked) as caught:
        item_publish(item=draft)
    assert "visits_reason" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.state == ServiceItem.State.DRAFT
    published.refresh_from_db()
    assert published.state == ServiceItem.State.PUBLISHED
