"""A 一件事 child whose shared data cannot be obtained when it is dispatched waits, says what
is missing, and goes to its department once the applicant supplies it; before its
dependencies have a result it cannot be submitted on its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.cases.test_bundle_cases import _licence_issued, _pdf, _submitted
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.cases.services.resolution import resources_for
from tongban.cases.services.submission import case_submit
from tongban.exchange.models import AccessGrant
from tongban.exchange.services.grants import grant_revoke


@pytest.mark.django_db
def test_a_child_whose_shared_data_is_refused_at_dispatch_waits_for_the_applicant(
    demo_city: None,
) -> None:
    parent = _submitted()
    zhangsan = User.objects.get(username="zhangsan")
    publication = Case.objects.get(bundle_case=parent, bundle_key="publication")
    head = publication.item.materials.get(name="法定代表人（负责人）身份证明")
    # The culture department's grant for that data ends before the licence is issued.
    resource = resources_for([head])[head.pk]
    grants = AccessGrant.objects.filter(
        resource=resource, consumer=publication.department, state=AccessGrant.State.APPROVED
    )
    assert grants.exists()
    for grant in grants:
        grant_revoke(
            actor=User.objects.get(username="admin"), grant=grant, reason="授权到期（测试）"
        )

    # Waiting for the licence, the child cannot be pushed through on its own.
    with pytest.raises(ValidationError) as early:
        case_submit(case=publication, actor=zhangsan, files={head.pk: _pdf("负责人.pdf")})
    assert "bundle" in early.value.message_dict
    publication.refresh_from_db()
    assert publication.state == CaseState.DRAFT

    _licence_issued(parent)
    states = dict(parent.children.values_list("bundle_key", "state"))
    assert {states[k] for k in ("food", "eia", "signboard")} == {CaseState.SUBMITTED}
    assert states["publication"] == CaseState.DRAFT
    wait = publication.events.get(action="bundle_wait")
    assert "法定代表人（负责人）身份证明" in wait.note
    assert "共享授权" in wait.note
    # What the platform could obtain is already on the row: the licence from the licence case.
    licence_row = publication.materials.get(material__name="营业执照")
    assert licence_row.status == CaseMaterial.Status.RESOLVED
    assert licence_row.provenance["kind"] == "case"

    # The applicant supplies the missing paper; the child goes to its department.
    publication.refresh_from_db()
    case = case_submit(case=publication, actor=zhangsan, files={head.pk: _pdf("负责人.pdf")})
    assert case.state == CaseState.SUBMITTED
    assert case.materials.get(material=head).status == CaseMaterial.Status.PROVIDED
    case.refresh_from_db()
    assert case.waiting_for == []
