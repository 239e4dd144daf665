"""The lifecycle steps a person takes on a case, one table for the API and the workbench:
each step's input schema (the API's), the service it calls and what it says when done.
A page posts a form; it is read into the same schema, so a page and the API accept and
refuse exactly the same input, with the same messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from ninja import Schema

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.schemas import (
    AcceptIn,
    CorrectionIn,
    DecideIn,
    DeliverIn,
    ExtendIn,
    ReasonIn,
    SuspendIn,
)
from tongban.cases.services import lifecycle as lc
from tongban.core.posted import form_values, posted


class NoInput(Schema):
    """A step that needs nothing but the case and who takes it."""


@dataclass(frozen=True, slots=True)
class CaseAction:
    done: str  # what the page says when the step is taken
    schema: type[Schema]
    run: Callable[[Case, User, Any], Case]


CASE_ACTIONS: dict[str, CaseAction] = {
    "pre_review": CaseAction(
        "已开始预审", NoInput, lambda c, u, i: lc.case_start_pre_review(case=c, actor=u)
    ),
    "correction": CaseAction(
        "已要求补正",
        CorrectionIn,
        lambda c, u, i: lc.case_request_correction(case=c, actor=u, problems=i.problems),
    ),
    "reject": CaseAction(
        "已不予受理", ReasonIn, lambda c, u, i: lc.case_reject(case=c, actor=u, reason=i.reason)
    ),
    "accept": CaseAction(
        "已受理",
        AcceptIn,
        lambda c, u, i: lc.case_accept(case=c, actor=u, in_person=i.in_person),
    ),
    "review": CaseAction(
        "已开始审查", NoInput, lambda c, u, i: lc.case_start_review(case=c, actor=u)
    ),
    "suspend": CaseAction(
        "已启动特别程序，暂停计时",
        SuspendIn,
        lambda c, u, i: lc.case_suspend(case=c, actor=u, kind=i.kind, reason=i.reason),
    ),
    "resume": CaseAction(
        "特别程序结束，恢复计时", NoInput, lambda c, u, i: lc.case_resume(case=c, actor=u)
    ),
    "extend": CaseAction(
        "已批准延期",
        ExtendIn,
        lambda c, u, i: lc.case_extend(
            case=c, actor=u, working_days=i.working_days, reason=i.reason
        ),
    ),
    "decide": CaseAction(
        "已作出决定",
        DecideIn,
        lambda c, u, i: lc.case_decide(case=c, actor=u, decision=i.decision, reason=i.reason),
    ),
    "result": CaseAction(
        "办理结果已制作", NoInput, lambda c, u, i: lc.case_produce_result(case=c, actor=u)
    ),
    "deliver": CaseAction(
        "已送达",
        DeliverIn,
        lambda c, u, i: lc.case_deliver(case=c, actor=u, mode=i.mode, in_person=i.in_person),
    ),
    "complete": CaseAction("已办结", NoInput, lambda c, u, i: lc.case_complete(case=c, actor=u)),
    "withdraw": CaseAction(
        "申请已撤回",
        ReasonIn,
        lambda c, u, i: lc.case_withdraw(case=c, actor=u, reason=i.reason),
    ),
    "terminate": CaseAction(
        "已终止办理",
        ReasonIn,
        lambda c, u, i: lc.case_terminate(case=c, actor=u, reason=i.reason),
    ),
}


# Steps the applicant takes on their own case page, not on the workbench.
APPLICANT_ACTIONS = frozenset({"withdraw"})


def action_input(action: CaseAction, data: QueryDict | Mapping[str, Any]) -> Any:
    """The step's input read from a posted form (a page) into the API's schema; refused
    naming each field, as the API refuses it. A correction's `problem_<material id>` fields
    are its `problems`."""
    if isinstance(data, QueryDict) and "problems" in action.schema.model_fields:
        values = form_values(action.schema, data)
        values["problems"] = {
            key.removeprefix("problem_"): text.strip()
            for key, text in data.items()
            if key.startswith("problem_") and isinstance(text, str) and text.strip()
        }
        return posted(action.schema, values)
    return posted(action.schema, data)


def action_take(action: CaseAction, *, case: Case, actor: User, data: Any) -> Case:
    """Take the step: `data` is the parsed input (the API) or a posted form (a page)."""
    parsed = data if isinstance(data, action.schema) else action_input(action, data)
    return action.run(case, actor, parsed)
