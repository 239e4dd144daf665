"""Authorisation matrix over every hall API route × persona (people and devices).

Expected outcome per persona: "ok" (the request reaches the service: anything but 401, 403
and 404), or the exact refusal. Console actions by someone not signed in at the ticket's
window are a 409 naming why. A route without an entry fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.hall.conftest import HallSetup
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import device_register, device_revoke
from tongban.api import api
from tongban.hall.models import Ticket
from tongban.hall.presenters import ticket_token
from tongban.hall.services import console as c
from tongban.hall.services.appointments import appointment_book, slots_ensure
from tongban.hall.services.setup import hall_device_place
from tongban.hall.services.tickets import ticket_issue

PEOPLE = ("applicant", "other_applicant", "hall_clerk", "outside_clerk", "manager", "admin")
DEVICES = ("kiosk", "revoked_kiosk", "board")
PERSONAS = ("anonymous", *PEOPLE, *DEVICES)
EVERYONE = dict.fromkeys(PERSONAS, "ok")
SIGNED_IN = {"anonymous": 401, **dict.fromkeys(PEOPLE, "ok"), **dict.fromkeys(DEVICES, 401)}


def only(allowed: dict[str, Any], **others: Any) -> dict[str, Any]:
    return {**SIGNED_IN, **allowed, **others}


AT_WINDOW = only({"hall_clerk": "ok"}, **dict.fromkeys(set(PEOPLE) - {"hall_clerk"}, 409))

MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/hall/halls"): EVERYONE,
    ("GET", "/api/hall/halls/{code}"): EVERYONE,
    ("GET", "/api/hall/halls/{code}/calls"): EVERYONE,
    ("GET", "/api/hall/halls/{code}/slots"): EVERYONE,
    ("GET", "/api/hall/tickets/{token}"): EVERYONE,
    # A kiosk by its key or a signed-in person (remote); a board or a revoked key is not one.
    ("POST", "/api/hall/halls/{code}/tickets"): {
        **SIGNED_IN,
        "kiosk": "ok",
        "board": 403,
    },
    ("POST", "/api/hall/tickets/{token}/cancel"): only(
        {"applicant": "ok"}, **dict.fromkeys(set(PEOPLE) - {"applicant"}, 403)
    ),
    ("POST", "/api/hall/halls/{code}/check-in"): {
        "anonymous": 401,
        **dict.fromkeys(PEOPLE, 401),
        "kiosk": "ok",
        "revoked_kiosk": 401,
        "board": 403,
    },
    ("POST", "/api/hall/appointments"): SIGNED_IN,
    ("GET", "/api/hall/appointments"): SIGNED_IN,
    ("POST", "/api/hall/appointments/{appointment_id}/cancel"): only(
        {"applicant": "ok"}, **dict.fromkeys(set(PEOPLE) - {"applicant"}, 404)
    ),
    ("POST", "/api/hall/appointments/{appointment_id}/check-in"): only(
        {"applicant": "ok"}, **dict.fromkeys(set(PEOPLE) - {"applicant"}, 404)
    ),
    ("GET", "/api/hall/console"): SIGNED_IN,
    ("POST", "/api/hall/console/sign-in"): only(
        {"hall_clerk": "ok", "manager": "ok"},
        **dict.fromkeys(("applicant", "other_applicant", "outside_clerk", "admin"), 403),
    ),
    ("POST", "/api/hall/console/sign-out"): SIGNED_IN,
    ("POST", "/api/hall/console/call-next"): AT_WINDOW,
    ("POST", "/api/hall/console/tickets/{ticket_id}/{step}"): AT_WINDOW,
    ("POST", "/api/hall/console/tickets/{ticket_id}/transfer"): AT_WINDOW,
    ("POST", "/api/hall/console/tickets/{ticket_id}/link-case"): AT_WINDOW,
    ("POST", "/api/hall/console/tickets/{ticket_id}/accept-case"): AT_WINDOW,
}

BODIES: dict[str, dict[str, Any]] = {
    "/tickets": {"category": "{category}"},
    "/halls/{code}/check-in": {"code": "{code}"},
    "/appointments": {"slot": "{slot}"},
    "/sign-in": {"window": "{window}"},
    "/transfer": {"window": "{other_window}"},
    "/link-case": {"case": "{case}"},
    "/accept-case": {"case": "{case}"},
}


def api_routes() -> set[tuple[str, str]]:
    spec = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/hall")
        for method in operations
    }


def test_every_route_is_in_the_matrix() -> None:
    assert api_routes() == set(MATRIX)


@pytest.fixture
def world(hs: HallSetup, hall_clerk: User, zhangsan: User, manager: User, submitted: Any) -> Any:
    slots_ensure(hs.hall)
    slot = hs.hall.slots.filter(category=hs.a, day__gt=hs.hall.slots.first().day).first()
    remote = ticket_issue(
        hall=hs.hall, category=hs.a, source=Ticket.Source.REMOTE, applicant=zhangsan
    )
    appointment = appointment_book(applicant=zhangsan, slot=hs.hall.slots.get(pk=slot.pk))
    today_slot = hs.hall.slots.filter(category=hs.b, day=remote.day, starts_at="10:30").get()
    today = appointment_book(applicant=UserFactory(roles=[Role.APPLICANT]), slot=today_slot)
    c.window_sign_in(user=hall_clerk, window=hs.w2)
    c.ticket_call_next(user=hall_clerk)
    c.ticket_start(user=hall_clerk, ticket_id=remote.pk)
    revoked = device_register(kind=DeviceIdentity.Kind.KIOSK, name="已吊销自助机")
    hall_device_place(device=revoked.device, hall=hs.hall)
    device_revoke(device=revoked.device)
    return {
        "hs": hs,
        "people": {
            "applicant": zhangsan,
            "other_applicant": UserFactory(roles=[Role.APPLICANT]),
            "hall_clerk": hall_clerk,
            "outside_clerk": UserFactory(roles=[Role.CLERK]),
            "manager": manager,
            "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
        },
        "keys": {
            "kiosk": hs.kiosk.api_key,
            "revoked_kiosk": revoked.api_key,
            "board": hs.board.api_key,
        },
        "values": {
            "{code}": hs.hall.code,
            "{token}": ticket_token(remote),
            "{ticket_id}": str(remote.pk),
            "{step}": "finish",
            "{appointment_id}": str(appointment.pk),
            "{category}": hs.b.pk,
            "{slot}": slot.pk,
            "{window}": hs.w1.pk,
            "{other_window}": hs.w1.pk,
            "{case}": str(submitted.pk),
            "{code}_checkin": today.code,
        },
    }


def _call(client: Client, method: str, path: str, world: Any, headers: dict[str, str]) -> int:
    values = world["values"]
    url = path
    for key in ("{code}", "{token}", "{ticket_id}", "{step}", "{appointment_id}"):
        url = url.replace(key, str(values[key]))
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    if body is None:
        return client.generic(method, url, headers=headers).status_code
    payload = {
        k: (values["{code}_checkin"] if v == "{code}" else values.get(v, v))
        for k, v in body.items()
    }
    return client.generic(
        method, url, json.dumps(payload), content_type="application/json", headers=headers
    ).status_code


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_authorisation_matrix(route: tuple[str, str], persona: str, world: Any) -> None:
    method, path = route
    expected = MATRIX[route][persona]
    client = Client()
    headers = {}
    if persona in world["people"]:
        client.force_login(world["people"][persona])
    elif persona in world["keys"]:
        headers = {"Authorization": f"Device {world['keys'][persona]}"}
    status = _call(client, method, path, world, headers)
    if expected == "ok":
        assert status not in (401, 403, 404), status
    else:
        assert status == expected, status
