"""Item versions: a published version is frozen; editing makes a new draft; publishing a draft
supersedes the previous version, which running cases keep pointing at."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.catalog.checks import item_check
from tongban.catalog.models import ServiceItem
from tongban.catalog.services.transfer import ITEM_FIELDS, item_from_dict, item_to_dict
from tongban.core.audit import audit_log, changes_between


class PublishBlocked(ValidationError):
    """The draft fails a blocking catalogue check."""


@transaction.atomic
def item_new_draft(*, item: ServiceItem) -> ServiceItem:
    """A new draft copied from `item` (usually the published version); the existing draft if any."""
    existing = ServiceItem.objects.filter(code=item.code, state=ServiceItem.State.DRAFT).first()
    if existing is not None:
        return existing
    latest_version = (
        ServiceItem.objects.filter(code=item.code)
        .order_by("-version")
        .values_list("version", flat=True)[:1]
        .get()
    )
    draft = item_from_dict(
        item_to_dict(item),
        version=latest_version + 1,
        state=ServiceItem.State.DRAFT,
        previous=item,
    )
    audit_log(
        action="catalog.item_new_draft",
        obj=draft,
        changes={"version": [item.version, draft.version]},
    )
    return draft


@transaction.atomic
def item_update_draft(*, item: ServiceItem, **fields: Any) -> ServiceItem:
    """Change fields of a draft; a published or superseded version is never edited."""
    if item.state != ServiceItem.State.DRAFT:
        raise ValidationError({"state": ["已发布的事项不能直接修改，请先创建新草稿"]})
    unknown = sorted(set(fields) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationError({name: ["不可修改的字段"] for name in unknown})
    old = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean(exclude=["previous"], validate_constraints=False)
    item.save()
    audit_log(action="catalog.item_update", obj=item, changes=changes_between(old, fields))
    return item


@transaction.atomic
def item_publish(*, item: ServiceItem) -> ServiceItem:
    """Publish a draft after the blocking catalogue checks pass."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.state != ServiceItem.State.DRAFT:
        raise ValidationError({"state": ["只有草稿可以发布"]})
    blocking = [f for f in item_check(item) if f.blocking]
    if blocking:
        raise PublishBlocked({f.field: [f.message] for f in blocking})
    previous = ServiceItem.objects.filter(code=item.code, state=ServiceItem.State.PUBLISHED).first()
    if previous is not None:
        ServiceItem.objects.filter(pk=previous.pk).update(state=ServiceItem.State.SUPERSEDED)
    item.state = ServiceItem.State.PUBLISHED
    item.published_at = timezone.now()
    item.save(update_fields=["state", "published_at"])
    audit_log(
        action="catalog.item_publish",
        obj=item,
        changes={
            "state": [ServiceItem.State.DRAFT, ServiceItem.State.PUBLISHED],
            "superseded_version": [None, previous.version if previous else None],
        },
    )
    return item
