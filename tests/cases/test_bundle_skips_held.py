"""A 一件事 asks only for what the applicant lacks: an item whose result the applicant
already holds (in the registry, the certificate library, or from an earlier case here) is
skipped, and its result is fetched where the other items need it. A lapsed record, or a
registry that cannot answer, holds nothing: the item is applied for as usual."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tongban.accounts.models import Enterprise, User
from tongban.cases.bundles.models import BundleCase
from tongban.cases.bundles.services import bundle_start, bundle_submit
from tongban.cases.models import Case, CaseMaterial, CaseState
from tongban.catalog.models import Bundle
from tongban.demo.exchange_seed import NEW_COMPANY_NAME
from tongban.exchange.models import AccessLog, RegistryRecord
from tongban.exchange.services.query import QueryResult

from .test_bundle_cases import _licence_issued, _submitted, complete_submission

pytestmark = pytest.mark.usefixtures("demo_city")

LICENCE = "000105001000"


def _registered() -> Enterprise:
    return User.objects.get(username="zhangsan").enterprises.get(name="西安某某书店有限公司")


def _start(enterprise: Enterprise, key: str = "held-1") -> BundleCase:
    zhangsan = User.objects.get(username="zhangsan")
    return bundle_start(
        actor=zhangsan,
        bundle=Bundle.objects.get(code="open-bookstore"),
        applicant=zhangsan,
        enterprise=enterprise,
        choices={"drinks": "yes"},
        idempotency_key=key,
    )


def test_a_registered_company_is_not_registered_again() -> None:
    parent = _start(_registered())
    children = {c.bundle_key: c for c in Case.objects.filter(bundle_case=parent)}
    assert set(children) == {"publication", "food", "eia", "signboard"}
    assert parent.held[LICENCE]["kind"] == "exchange"
    assert parent.held[LICENCE]["item"] == "企业设立登记（营业执照）"
    # Nothing waits: the licence exists, and each part already holds it as a material.
    assert all(c.waiting_for == [] for c in children.values())
    row = CaseMaterial.objects.get(case=children["publication"], material__name="营业执照")
    assert row.status == "resolved" and row.provenance["resource"] == "res.business_license"
    # Each look-up (the licence, and the certificates two other items issue) is an access
    # in the exchange's log, in the lead department's name, answered.
    accesses = AccessLog.objects.filter(purpose__contains="已持有的办理结果")
    assert {a.resource.code: a.result for a in accesses} == {
        "res.business_license": "ok",
        "cert.food_business": "no_record",
        "cert.publication_permit": "no_record",
    }
    assert {a.consumer for a in accesses} == {parent.bundle.lead_department}
    # Shorter: the promise no longer includes the licence's days.
    assert parent.critical_days < _start(_new_company(), "held-2").critical_days


def _new_company() -> Enterprise:
    return User.objects.get(username="zhangsan").enterprises.get(name=NEW_COMPANY_NAME)


def test_the_skipped_item_is_shown_on_the_draft_the_progress_page_and_the_api() -> None:
    parent = _start(_registered())
    client = Client()
    client.force_login(User.objects.get(username="zhangsan"))
    draft = client.get(f"/my/bundles/{parent.pk}/").content.decode()
    assert draft.count('data-testid="bundle-child"') == 4
    assert 'data-testid="bundle-held"' in draft and "已持有，无需再办" in draft
    answer = client.get(f"/api/bundles/cases/{parent.pk}")
    assert answer.status_code == 200, answer.content
    held = answer.json()["held"]
    assert held == [
        {
            "item": "企业设立登记（营业执照）",
            "result": "营业执照登记信息",
            "provider": held[0]["provider"],
            "found_in": "exchange",
        }
    ]
    data, files = complete_submission(parent)
    parent = bundle_submit(
        parent=parent, actor=User.objects.get(username="zhangsan"), data=data, files=files
    )
    assert parent.state == "in_progress"
    # Every part goes to its department at once: none waits for a licence.
    states = set(Case.objects.filter(bundle_case=parent).values_list("state", flat=True))
    assert CaseState.DRAFT not in states
    page = client.get(f"/my/bundles/{parent.pk}/").content.decode()
    assert 'data-testid="bundle-held"' in page and "企业设立登记（营业执照）" in page


@pytest.mark.parametrize("status", ["注销", "吊销"])
def test_a_struck_off_company_registers_again(status: str) -> None:
    enterprise = _registered()
    record = RegistryRecord.objects.get(
        resource__code="res.business_license", subject_key=enterprise.uscc
    )
    record.data = {**record.data, "status": status}
    record.save()
    parent = _start(enterprise)
    assert parent.held == {}
    assert Case.objects.filter(bundle_case=parent, bundle_key="licence").exists()


def test_a_registry_that_cannot_answer_holds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from tongban.cases.services import resolution

    def down(*, requests: list[Any], **_: Any) -> list[QueryResult]:
        return [QueryResult("unavailable", r.resource, [], detail="连接超时") for r in requests]

    monkeypatch.setattr(resolution, "exchange_query_many", down)
    parent = _start(_registered())
    assert parent.held == {}
    assert Case.objects.filter(bundle_case=parent).count() == 5


def test_a_licence_granted_here_before_is_used_by_the_next_bundle() -> None:
    first = _submitted("first")
    _licence_issued(first)
    second = _start(_new_company(), "second")
    assert second.held[LICENCE]["kind"] == "case"
    licence = Case.objects.get(bundle_case=first, bundle_key="licence")
    assert second.held[LICENCE]["case"] == licence.number
    assert not Case.objects.filter(bundle_case=second, bundle_key="licence").exists()


def test_holding_every_result_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ValidationError

    from tongban.cases.bundles import services

    def everything(bundle: Bundle, *_: Any) -> dict[str, dict[str, Any]]:
        codes = [i["item"] for i in bundle.definition["items"]]
        return {c: {"kind": "case", "result": "结果", "provider": "某部门"} for c in codes}

    monkeypatch.setattr(services, "bundle_held", everything)
    with pytest.raises(ValidationError) as refused:
        _start(_registered())
    assert "全部事项" in json.dumps(refused.value.message_dict, ensure_ascii=False)
    assert not BundleCase.objects.exists()
