"""Joint review: one meeting, one opinion form with a row per department, one decision for
every case on the agenda; refused before every opinion is in; no case decided alone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.test_bundle_cases import _licence_issued, _submitted
from tongban.accounts.models import User
from tongban.cases.joint.models import JointReview
from tongban.cases.joint.services import (
    joint_opinion_enter,
    joint_review_close,
    joint_review_convene,
    joint_review_decide,
)
from tongban.cases.models import Case, CaseState
from tongban.cases.services import lifecycle as lc
from tongban.demo.field_seed import demo_inspect


def _reviewer(case: Case) -> User:
    return User.objects.get(department=case.department, role_grants__role="reviewer")


def _in_review(parent_key: str = "b1") -> tuple[list[Case], User]:
    parent = _submitted(parent_key, drinks="no")
    _licence_issued(parent)
    clerk = User.objects.get(username="clerk")
    agenda = []
    for key in ("publication", "eia", "signboard"):
        case = Case.objects.get(bundle_case=parent, bundle_key=key)
        case = lc.case_start_pre_review(case=case, actor=clerk)
        case = lc.case_accept(case=case, actor=clerk)
        demo_inspect(case)  # the publication permit's 实地核查
        agenda.append(lc.case_start_review(case=case, actor=_reviewer(case)))
    lead = User.objects.get(department__code="scjg", role_grants__role="reviewer")
    return agenda, lead


# A Monday in 2026: the EIA's 30 legal working days stay within the calendar on file.
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
@pytest.mark.django_db
def test_one_form_every_opinion_then_one_decision(demo_city: None) -> None:
    agenda, lead = _in_review()
    review = joint_review_convene(
        actor=lead,
        cases=agenda,
        participants=[],
        meeting_at=timezone.now() + dt.timedelta(days=1),
        place="市民中心三楼联审室",
    )
    rows = list(review.opinions.select_related("department"))
    assert len(rows) == 4  # the lead and the three departments of the agenda
    # No case is decided alone while the review runs.
    with pytest.raises(ValidationError) as error:
        lc.case_decide(case=agenda[0], actor=_reviewer(agenda[0]), decision="grant", reason="")
    assert "联合审查" in error.value.messages[0]
    # A decision before every opinion is in is refused, naming who is missing.
    joint_opinion_enter(actor=lead, review=review, opinion="agree")
    with pytest.raises(ValidationError) as error:
        joint_review_decide(actor=lead, review=review, decision="grant")
    assert "尚有部门未提交意见" in error.value.messages[0]
    with pytest.raises(ValidationError):
        joint_review_close(actor=lead, review=review)
    with pytest.raises(PermissionDenied):
        joint_opinion_enter(
            actor=User.objects.get(username="zhangsan"), review=review, opinion="agree"
        )
    with pytest.raises(ValidationError) as error:
        joint_opinion_enter(actor=_reviewer(agenda[1]), review=review, opinion="conditional")
    assert {"conditions", "legal_basis"} <= set(error.value.message_dict)
    joint_opinion_enter(actor=_reviewer(agenda[0]), review=review, opinion="agree")
    joint_opinion_enter(
        actor=_reviewer(agenda[1]),
        review=review,
        opinion="conditional",
        conditions="油烟须经净化后排放",
        legal_basis="《中华人民共和国环境影响评价法》第二十二条",
    )
    joint_opinion_enter(actor=_reviewer(agenda[2]), review=review, opinion="agree")
    with pytest.raises(PermissionDenied):
        joint_review_close(actor=_reviewer(agenda[0]), review=review)
    joint_review_close(actor=lead, review=review)
    with pytest.raises(ValidationError):
        joint_opinion_enter(actor=lead, review=review, opinion="disagree", legal_basis="x")
    joint_review_decide(actor=lead, review=review, decision="grant")
    review.refresh_from_db()
    assert review.state == "decided" and review.decided_by == lead
    assert {c.state for c in Case.objects.filter(pk__in=[c.pk for c in agenda])} == {
        CaseState.DECIDED
    }


# A Monday in 2026: the EIA's 30 legal working days stay within the calendar on file.
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
@pytest.mark.django_db
def test_a_disagreement_forbids_a_grant(demo_city: None) -> None:
    agenda, lead = _in_review()
    review = joint_review_convene(
        actor=lead,
        cases=agenda,
        participants=[],
        meeting_at=timezone.now(),
        place="线上会议",
        online=True,
    )
    joint_opinion_enter(actor=lead, review=review, opinion="agree")
    for case in agenda[:2]:
        joint_opinion_enter(actor=_reviewer(case), review=review, opinion="agree")
    joint_opinion_enter(
        actor=_reviewer(agenda[2]),
        review=review,
        opinion="disagree",
        legal_basis="门头牌匾超出规定尺寸",
    )
    joint_review_close(actor=lead, review=review)
    with pytest.raises(ValidationError) as error:
        joint_review_decide(actor=lead, review=review, decision="grant")
    assert "不同意" in error.value.messages[0]
    joint_review_decide(actor=lead, review=review, decision="deny", reason="门头牌匾设置不符合规定")
    assert JointReview.objects.get().decision == "deny"


# A Monday in 2026: the EIA's 30 legal working days stay within the calendar on file.
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True)
@pytest.mark.django_db
def test_convening_needs_cases_under_review_and_the_lead(demo_city: None) -> None:
    agenda, lead = _in_review()
    with pytest.raises(PermissionDenied):
        joint_review_convene(
            actor=User.objects.get(username="zhangsan"),
            cases=agenda,
            participants=[],
            meeting_at=timezone.now(),
            place="x",
        )
    with pytest.raises(ValidationError) as error:
        joint_review_convene(
            actor=lead, cases=[], participants=[], meeting_at=timezone.now(), place=" "
        )
    assert {"cases", "place"} <= set(error.value.message_dict)
    assert not JointReview.objects.exists()


@pytest.mark.django_db
def test_the_decision_issues_the_signed_opinion_form(demo_city: None) -> None:
    import io

    from pypdf import PdfReader

    from tongban.certificates.models import Certificate
    from tongban.certificates.services import certificate_verify

    # Accepted on a Monday in 2026 (the calendar on file); decided and sealed today, within
    # the seal certificate's validity.
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True):
        agenda, lead = _in_review()
    review = joint_review_convene(
        actor=lead, cases=agenda, participants=[], meeting_at=timezone.now(), place="联审室"
    )
    joint_opinion_enter(actor=lead, review=review, opinion="agree")
    for case in agenda:
        joint_opinion_enter(actor=_reviewer(case), review=review, opinion="agree")
    joint_review_close(actor=lead, review=review)
    joint_review_decide(actor=lead, review=review, decision="grant")
    form = Certificate.objects.get(joint_review=review)
    assert form.type.code == "joint_opinion" and "联审〔" in form.number
    text = "".join(PdfReader(io.BytesIO(bytes(form.pdf))).pages[0].extract_text().split())
    assert "联合审查意见书" in text and "生态环境" in text and "同意" in text
    assert certificate_verify(bytes(form.pdf)).status == "valid"
