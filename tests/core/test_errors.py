"""One way to refuse: each kind of refusal maps to one HTTP status for the API and to a
message on the page; a refused step on a page says why, in Chinese, on the page."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from tongban.accounts.models import User
from tongban.core.calendar import CalendarDataMissing
from tongban.core.errors import Conflict, PermissionDenied, ValidationError, refusal_of
from tongban.hall.services import HallConflict


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        (ValidationError({"reason": ["请填写理由"]}), 400, "输入有误：reason：请填写理由"),
        (ValidationError("格式不对"), 400, "输入有误：格式不对"),
        (PermissionDenied("无权批准延期"), 403, "无权批准延期"),
        (PermissionDenied(), 403, "无权执行此操作"),
        (Http404("办件不存在"), 404, "办件不存在"),
        (Conflict("窗口已有人签到"), 409, "窗口已有人签到"),
        (HallConflict("不在办公时间"), 409, "不在办公时间"),
        (CalendarDataMissing(2031), 409, "2031年的节假日与调休安排尚未录入"),
    ],
)
def test_each_refusal_has_its_status_and_message(exc: Exception, status: int, message: str) -> None:
    refusal = refusal_of(exc)
    assert refusal is not None
    assert refusal.status == status
    assert refusal.message.startswith(message)


def test_a_validation_error_keeps_its_fields() -> None:
    refusal = refusal_of(ValidationError({"a": ["一"], "b": ["二", "三"]}))
    assert refusal is not None and refusal.fields == {"a": ["一"], "b": ["二", "三"]}


def test_a_fault_is_not_a_refusal() -> None:
    assert refusal_of(RuntimeError("disk full")) is None
    assert refusal_of(PermissionError("os")) is None


def test_a_page_refused_outright_is_a_portal_page_with_the_reason(zhangsan: User) -> None:
    client = Client()
    client.force_login(zhangsan)
    response = client.get("/workbench/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "仅工作人员可使用工作台" in body and "<header" in body


def test_an_unknown_address_names_no_url_pattern() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "tried" not in body
