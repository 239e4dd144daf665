"""Pages read posted forms with the API's schemas, and a refusal that escapes a page view is
a page with its status and reason, never a server error."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from ninja import Schema

from tongban.cases.presenters import worklist_filters
from tongban.core.errors import Conflict, ValidationError
from tongban.core.middleware import RefusalMiddleware
from tongban.core.posted import posted


class _Form(Schema):
    days: int
    online: bool = False
    department: list[int] = []


def test_a_form_is_read_into_the_schema() -> None:
    form = posted(_Form, QueryDict("days=3&online=on&department=1&department=2"))
    assert (form.days, form.online, form.department) == (3, True, [1, 2])
    assert posted(_Form, QueryDict("days=1")).online is False  # an unticked checkbox


def test_a_bad_value_is_refused_naming_the_field_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        posted(_Form, QueryDict("days=三&department=x"))
    assert caught.value.message_dict == {"days": ["应为整数"], "department.0": ["应为整数"]}
    with pytest.raises(ValidationError) as missing:
        posted(_Form, QueryDict(""))
    assert missing.value.message_dict == {"days": ["必填"]}


@pytest.mark.django_db
def test_a_conflict_escaping_a_page_view_is_a_409_page_with_the_reason() -> None:
    request = RequestFactory().get("/somewhere/")
    middleware = RefusalMiddleware(lambda r: None)  # type: ignore[arg-type, return-value]
    response = middleware.process_exception(request, Conflict("窗口已关闭"))
    assert response is not None and response.status_code == 409
    assert "窗口已关闭" in response.content.decode()
    assert middleware.process_exception(request, RuntimeError("a fault")) is None


def test_a_mistyped_work_list_filter_is_left_out_not_refused() -> None:
    filters = worklist_filters(QueryDict("state=accepted&due_before=2026-13-40"))
    assert filters.state == "accepted" and filters.due_before is None
