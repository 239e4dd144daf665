"""Grants: requested by the consumer's steward, decided by the provider's, revocable by
either; unconditional resources granted on request; not-shared resources never."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import shared_resource
from tongban.accounts.models import Department, User
from tongban.core.models import AuditRecord
from tongban.exchange.models import AccessGrant, DataResource
from tongban.exchange.services.grants import grant_decide, grant_request, grant_revoke


@pytest.fixture
def marriage(police: Department) -> DataResource:
    return shared_resource("res.marriage", provider=police, name="婚姻登记信息")


def _request(steward: User, resource: DataResource, **kw: object) -> AccessGrant:
    values: dict[str, object] = {
        "purpose": "核验家庭成员",
        "fields": ["certificate_no", "owner"],
        "valid_until": timezone.localdate() + dt.timedelta(days=365),
    }
    values.update(kw)
    return grant_request(
        actor=steward,
        resource=resource,
        consumer=steward.department,  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
    )


def test_a_conditional_grant_waits_for_the_providers_steward(
    steward: User, police_steward: User, marriage: DataResource
) -> None:
    grant = _request(steward, marriage)
    assert grant.state == AccessGrant.State.REQUESTED
    with pytest.raises(PermissionDenied):
        grant_decide(actor=steward, grant=grant, approve=True)  # not the provider
    grant = grant_decide(actor=police_steward, grant=grant, approve=True, note="同意")
    assert grant.state == AccessGrant.State.APPROVED and grant.decided_by == police_steward
    assert AuditRecord.objects.filter(action="exchange.grant.decide").count() == 1


def test_a_refusal_needs_a_reason_and_a_decided_grant_cannot_be_decided_again(
    steward: User, police_steward: User, marriage: DataResource
) -> None:
    grant = _request(steward, marriage)
    with pytest.raises(ValidationError) as caught:
        grant_decide(actor=police_steward, grant=grant, approve=False)
    assert "note" in caught.value.message_dict
    grant = grant_decide(actor=police_steward, grant=grant, approve=False, note="目的不明确")
    with pytest.raises(ValidationError):
        grant_decide(actor=police_steward, grant=grant, approve=True)


def test_an_unconditional_resource_is_granted_on_request(steward: User, police: Department) -> None:
    open_data = shared_resource("res.open", provider=police, sharing_class="unconditional")
    grant = _request(steward, open_data)
    assert grant.state == AccessGrant.State.APPROVED and "无条件共享" in grant.decision_note


def test_a_not_shared_resource_and_bad_requests_are_refused_by_field(
    steward: User, police: Department, marriage: DataResource
) -> None:
    closed = shared_resource("res.closed", provider=police, sharing_class="not_shared")
    with pytest.raises(ValidationError) as caught:
        _request(steward, closed)
    assert "resource" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _request(
            steward,
            marriage,
            purpose=" ",
            fields=["owner", "salary"],
            clear_fields=["location"],
            valid_until=dt.date(2020, 1, 1),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"purpose", "fields", "clear_fields", "valid_until"}
    assert "salary" in errors["fields"][0]
    assert not AccessGrant.objects.exists()


def test_only_the_consuming_departments_steward_may_request(
    reviewer: User, marriage: DataResource
) -> None:
    with pytest.raises(PermissionDenied):
        _request(reviewer, marriage)


def test_either_side_may_revoke_with_a_reason(
    steward: User, police_steward: User, reviewer: User, marriage: DataResource
) -> None:
    grant = grant_decide(actor=police_steward, grant=_request(steward, marriage), approve=True)
    with pytest.raises(PermissionDenied):
        grant_revoke(actor=reviewer, grant=grant, reason="不再需要")
    with pytest.raises(ValidationError):
        grant_revoke(actor=steward, grant=grant, reason="")
    grant = grant_revoke(actor=steward, grant=grant, reason="业务调整，不再需要")
    assert grant.state == AccessGrant.State.REVOKED and grant.revoked_at is not None


def test_the_steward_console_decides_and_revokes(
    client: object, steward: User, police_steward: User, marriage: DataResource
) -> None:
    grant = _request(steward, marriage)
    client.force_login(police_steward)  # type: ignore[attr-defined]
    page = client.get("/manage/exchange/").content.decode()  # type: ignore[attr-defined]
    assert "核验家庭成员" in page and "待审核的授权申请" in page
    client.post(f"/manage/exchange/grants/{grant.pk}/approve/", {"note": "同意"})  # type: ignore[attr-defined]
    grant.refresh_from_db()
    assert grant.state == AccessGrant.State.APPROVED
    client.force_login(steward)  # type: ignore[attr-defined]
    client.post(f"/manage/exchange/grants/{grant.pk}/revoke/", {"note": "项目结束"})  # type: ignore[attr-defined]
    grant.refresh_from_db()
    assert grant.state == AccessGrant.State.REVOKED and grant.decision_note == "项目结束"
