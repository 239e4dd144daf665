"""The demo city's history model: every rate the replay draws from (documented in
`demo.history`), and what it reports."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from tongban.accounts.models import User
from tongban.catalog.models import ServiceItem

PER_DAY = 24.0
# Monday … Sunday; a weekend day is a working day only when the calendar makes it one (调休).
WEEKDAY = (1.25, 1.05, 1.0, 0.95, 0.85, 1.0, 1.0)
MONTH = {1: 1.05, 2: 0.7, 3: 1.2, 4: 1.05, 5: 1.0, 6: 1.05}
MONTH |= {7: 0.95, 8: 0.9, 9: 1.05, 10: 0.9, 11: 1.0, 12: 1.1}
OFF_DAY = 0.15  # a weekend or holiday's applications (online, or waiting for the hall)
# Relative online arrivals per hour, 0–23: evenings matter online.
ONLINE_HOURS: tuple[float, ...] = (0.1, 0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.5, 1.0, 1.5, 1.6)
ONLINE_HOURS += (1.4, 0.9, 0.9, 1.3, 1.4, 1.3, 1.0, 0.8, 0.9, 1.0, 0.9, 0.6, 0.3)
ITEM_WEIGHTS = {
    "000203002000": 8.0,  # 社会保障卡申领
    "000105001000": 4.0,  # 企业设立登记
    "000105002000": 3.0,  # 个体工商户登记
    "000105013000": 3.0,  # 食品经营许可
}
BUNDLE_SHARE = 0.03
ENTERPRISE_SHARE = 0.3
# The share of the hall's tickets that are applications (the rest: consultations, errands).
HALL_APPLICATIONS = 0.5
HALL_DAY_TICKETS = 138.0  # hall_seed.DAY_MIX's tickets on an average day
ONLINE_IF_NO_VISIT = 0.85
ONLINE_IF_VISIT = 0.45
CORRECTION, REFUSE, WITHDRAW = 0.10, 0.02, 0.015
SUSPEND, EXTEND, LATE, DENY = 0.03, 0.02, 0.04, 0.03
RATE_ONLINE, RATE_PAD = 0.35, 0.65
LEVELS = ((5, 0.78), (4, 0.15), (3, 0.045), (2, 0.017), (1, 0.008))
BAD_IF_TROUBLE = 4.0
CALLBACK_LATE, VALID, FIX_AT_ONCE, FIX_LATE = 0.03, 0.6, 0.7, 0.1
APPEAL, UPHELD = 0.1, 0.5
KEY = "hist"


@dataclasses.dataclass
class HistoryReport:
    days: int = 0
    skipped: int = 0
    cases: int = 0
    bundles: int = 0
    tickets: int = 0
    ratings: int = 0
    refused: int = 0
    # What the platform refused, by step and reason (a replay step it would not take).
    refusals: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)


Progress = Callable[[dt.date, HistoryReport], None]


@dataclasses.dataclass(frozen=True)
class Arrival:
    """One application to make: `item` None for the bookstore 一件事."""

    key: str
    person: User
    item: ServiceItem | None
    enterprise: Any
    online: bool
