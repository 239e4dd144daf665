"""Who is asking: one typed way for pages, API handlers and device endpoints."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tongban.accounts.models import User
from tongban.accounts.requests import request_device, request_user, request_user_or_none


def test_a_page_request_gives_its_signed_in_person(zhangsan: User) -> None:
    request = RequestFactory().get("/")
    request.user = zhangsan
    assert request_user(request) == zhangsan
    assert request_user_or_none(request) == zhangsan
    assert request_device(request) is None


def test_an_api_request_gives_whom_its_authenticator_admitted(zhangsan: User) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.auth = zhangsan  # type: ignore[attr-defined]
    assert request_user(request) == zhangsan


def test_nobody_signed_in_is_refused_with_a_chinese_reason(db: None) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert request_user_or_none(request) is None
    with pytest.raises(PermissionDenied, match="请先登录"):
        request_user(request)
