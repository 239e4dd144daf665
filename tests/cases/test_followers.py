"""The lifecycle publishes every transition to its followers, in order, inside the change's
transaction; what follows it (the 一件事) is a follower, not an import."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.cases.conftest import material_id, pdf
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.cases.services.followers import Transition, followers
from tongban.cases.services.submission import case_save_draft, case_submit
from tongban.catalog.models import ServiceItem


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Transition, int, str | None]]]:
    """Two test followers registered out of name order; what each heard, in call order."""
    calls: list[tuple[str, Transition, int, str | None]] = []

    def listener(name: str):  # type: ignore[no-untyped-def]
        def follow(t: Transition, case: Case, actor: User | None) -> None:
            calls.append((name, t, case.pk, actor.username if actor else None))

        return follow

    followers.register("test.late", listener("late"), order=900)
    followers.register("test.early", listener("early"), order=1)
    yield calls
    followers.unregister("test.late")
    followers.unregister("test.early")


def test_it_calls_every_follower_in_order_with_the_transition_the_case_and_the_actor(
    submitted: Case, clerk: User, heard: list[tuple[str, Transition, int, str | None]]
) -> None:
    lc.case_start_pre_review(case=submitted, actor=clerk)
    assert [(n, t.action, t.from_state, t.to_state) for n, t, _, _ in heard] == [
        ("early", "pre_review", CaseState.SUBMITTED, CaseState.PRE_REVIEW),
        ("late", "pre_review", CaseState.SUBMITTED, CaseState.PRE_REVIEW),
    ]
    assert {(pk, who) for _, _, pk, who in heard} == {(submitted.pk, clerk.username)}


def test_the_order_is_the_registered_order_then_the_name(heard: list[object]) -> None:
    names = followers.names()
    assert names.index("test.early") < names.index("cases.bundles") < names.index("test.late")


def test_a_decision_carries_what_was_decided(
    submitted: Case, clerk: User, reviewer: User, heard: list[tuple[str, Transition, int, str]]
) -> None:
    case = lc.case_start_pre_review(case=submitted, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    lc.case_decide(case=case, actor=reviewer, decision="deny", reason="场所不符合要求")
    decided = [t for n, t, _, _ in heard if n == "early" and t.action == "decide"]
    assert decided[0].data["decision"] == "deny"
    assert decided[0].note.endswith("场所不符合要求")


def test_a_failing_follower_rolls_the_transition_back(submitted: Case, clerk: User) -> None:
    def refuse(t: Transition, case: Case, actor: User | None) -> None:
        raise RuntimeError("follower down")

    followers.register("test.refuse", refuse, order=1)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            lc.case_start_pre_review(case=submitted, actor=clerk)
    finally:
        followers.unregister("test.refuse")
    submitted.refresh_from_db()
    assert submitted.state == CaseState.SUBMITTED
    assert not submitted.events.filter(action="pre_review").exists()


def test_a_submission_is_published_too(
    item: ServiceItem, zhangsan: User, heard: list[tuple[str, Transition, int, str]]
) -> None:
    draft = case_save_draft(actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="f")
    case_submit(
        case=draft,
        actor=zhangsan,
        situations={"premises": "rent"},
        files={
            material_id(item, "申请书"): pdf(),
            material_id(item, "房屋租赁合同"): pdf("租赁合同.pdf"),
        },
    )
    assert [(t.action, t.from_state) for n, t, _, _ in heard if n == "early"] == [
        ("submit", CaseState.DRAFT)
    ]


def test_a_second_follower_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        followers.register("cases.bundles", lambda t, c, a: None, order=5)
