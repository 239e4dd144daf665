"""The bad-input corpus: every input the external test found answering 500 (or an HTML page),
kept here. Each must be a 4xx with a JSON body whose Chinese message names what is wrong,
and must leave nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.test_openapi import _CJK
from tests.factories import ServiceItemFactory
from tests.forms.test_hostile_images import png_declaring
from tests.hall.conftest import HallSetup
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.services.submission import case_save_draft
from tongban.core.models import AuditRecord


@dataclass(frozen=True)
class Bad:
    who: str  # "anonymous", "applicant", "clerk" or "kiosk"
    method: str
    url: str
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    status: tuple[int, ...] = (400, 413, 422)
    names: str = ""  # a word the answer must contain (the field)


CORPUS = {
    "a slot category past 64 bits": Bad(
        "anonymous",
        "get",
        "/api/hall/halls/{hall}/slots?category=9223372036854775808",
        names="category",
    ),
    "a negative category": Bad(
        "anonymous", "get", "/api/hall/halls/{hall}/slots?category=-1", names="category"
    ),
    "a huge offset on my cases": Bad(
        "applicant", "get", "/api/cases/mine?offset=99999999999999999999", names="offset"
    ),
    "a huge offset on the work list": Bad(
        "clerk", "get", "/api/cases/worklist?offset=18446744073709551616", names="offset"
    ),
    "a negative offset and a 32-bit limit on my access log": Bad(
        "applicant",
        "get",
        "/api/exchange/my-access?offset=-371&limit=2147483649",
        names="offset",
    ),
    "a case id past 64 bits": Bad(
        "applicant", "get", "/api/cases/92233720368547758070", names="case_id"
    ),
    "a calls cursor past 64 bits": Bad(
        "anonymous",
        "get",
        "/api/hall/halls/{hall}/calls?after=99999999999999999999",
        names="after",
    ),
    "a 68-byte PNG declaring 50000×50000 pixels": Bad(
        "kiosk",
        "post",
        "/api/forms/read",
        body=lambda w: {"document": SimpleUploadedFile("bomb.png", png_declaring(50000, 50000))},
        status=(400,),
        names="document",
    ),
    "situations sent as a list on submit": Bad(
        "applicant",
        "post",
        "/api/cases/{draft}/submit",
        body=lambda w: {"situations": "[1,2]"},
        status=(400,),
        names="situations",
    ),
    "situations sent as a number on submit": Bad(
        "applicant",
        "post",
        "/api/cases/{draft}/submit",
        body=lambda w: {"situations": "7"},
        status=(400,),
        names="situations",
    ),
    "a JSON body over the limit": Bad(
        "applicant",
        "json",
        "/api/cases",
        body=lambda w: {"item_code": "x" * 3_000_000, "idempotency_key": "big"},
        status=(413,),
    ),
    "a JSON body that is not JSON": Bad(
        "applicant", "raw", "/api/cases", body=lambda w: {"raw": "{not json"}, status=(400,)
    ),
    "a NUL in a JSON field": Bad(
        "applicant",
        "json",
        "/api/cases",
        body=lambda w: {"item_code": "a\x00b", "idempotency_key": "nul"},
        status=(400,),
        names="item_code",
    ),
    "a NUL in a query": Bad("anonymous", "get", "/api/catalog/items?q=%00", names="q"),
    "an extension of a billion days": Bad(
        "clerk",
        "json",
        "/api/cases/{draft}/extend",
        body=lambda w: {"working_days": 10**12, "reason": "x"},
        status=(422,),
        names="working_days",
    ),
    "a slot id past 64 bits": Bad(
        "applicant",
        "json",
        "/api/hall/appointments",
        body=lambda w: {"slot": 2**70},
        status=(422,),
        names="slot",
    ),
}


@pytest.fixture
def world(hs: HallSetup, zhangsan: User, clerk: User) -> dict[str, Any]:
    item = ServiceItemFactory(with_guide=True, department=clerk.department, audience="person")
    draft = case_save_draft(
        actor=zhangsan, code=item.code, applicant=zhangsan, idempotency_key="corpus"
    )
    return {"hs": hs, "applicant": zhangsan, "clerk": clerk, "draft": draft}


def _client(who: str, world: dict[str, Any]) -> Client:
    if who == "kiosk":
        return Client(HTTP_AUTHORIZATION=f"Device {world['hs'].kiosk.api_key}")
    client = Client()
    if who in ("applicant", "clerk"):
        client.force_login(world[who])
    return client


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_bad_input_is_a_4xx_in_chinese_and_writes_nothing(
    name: str, world: dict[str, Any]
) -> None:
    bad = CORPUS[name]
    client = _client(bad.who, world)
    url = bad.url.format(hall=world["hs"].hall.code, draft=world["draft"].pk)
    body = bad.body(world) if bad.body else None
    before = (Case.objects.count(), AuditRecord.objects.count())
    if bad.method == "get":
        answer = client.get(url)
    elif bad.method == "json":
        answer = client.post(url, data=json.dumps(body), content_type="application/json")
    elif bad.method == "raw":
        answer = client.post(url, data=body["raw"], content_type="application/json")
    else:
        answer = client.post(url, data=body)
    assert answer.status_code in bad.status, (name, answer.status_code, answer.content[:300])
    assert answer["Content-Type"].startswith("application/json"), name
    detail = answer.json()["detail"]
    assert _CJK.search(detail), (name, detail)
    if bad.names:
        assert bad.names in json.dumps(answer.json(), ensure_ascii=False), (name, detail)
    assert (Case.objects.count(), AuditRecord.objects.count()) == before, name
    assert Case.objects.get(pk=world["draft"].pk).state == "draft"
