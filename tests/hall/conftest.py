"""A hall on a working Monday morning: A 综合受理 and B 企业开办, windows 1 (A+B), 2 (A) and
3 (B), two window clerks, a manager, a kiosk and a display board."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from tests.cases.conftest import item, submitted  # noqa: F401 — fixtures for the hall tests
from tests.factories import UserFactory
from tongban.accounts.models import DeviceIdentity, Role, User
from tongban.accounts.services import IssuedDeviceKey, device_register
from tongban.hall.models import Hall, QueueCategory, Window
from tongban.hall.services.setup import hall_define, hall_device_place

# Monday 2 March 2026, 10:00 in Xi'an.
MONDAY_10AM = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _monday_morning() -> Iterator[None]:
    with time_machine.travel(MONDAY_10AM, tick=True):
        yield


@dataclass
class HallSetup:
    hall: Hall
    a: QueueCategory
    b: QueueCategory
    w1: Window
    w2: Window
    w3: Window
    kiosk: IssuedDeviceKey
    board: IssuedDeviceKey


@pytest.fixture
def hall_clerk(clerk: User) -> User:
    return clerk


@pytest.fixture
def second_clerk(db: None) -> User:
    return UserFactory(username="clerk2", real_name="李窗口", roles=[Role.CLERK])


@pytest.fixture
def hs(hall_clerk: User, second_clerk: User, manager: User) -> HallSetup:
    hall = hall_define(
        code="civic",
        name="测试市民中心",
        address="测试市示例大道1号",
        categories=[
            {"letter": "A", "name": "综合受理", "default_service_minutes": 6},
            {"letter": "B", "name": "企业开办", "default_service_minutes": 12},
        ],
        windows=[
            {"number": 1, "categories": ["A", "B"]},
            {"number": 2, "categories": ["A"]},
            {"number": 3, "categories": ["B"]},
        ],
        staff=[hall_clerk, second_clerk],
        managers=[manager],
    )
    kiosk = device_register(kind=DeviceIdentity.Kind.KIOSK, name="测试自助机")
    board = device_register(kind=DeviceIdentity.Kind.DISPLAY, name="测试叫号屏")
    hall_device_place(device=kiosk.device, hall=hall)
    hall_device_place(device=board.device, hall=hall)
    cats = {c.letter: c for c in hall.categories.all()}
    wins = {w.number: w for w in hall.windows.all()}
    return HallSetup(hall, cats["A"], cats["B"], wins[1], wins[2], wins[3], kiosk, board)
