"""Courier plugins (EMS-style): create a waybill, report tracking events through a signed
webhook, read a waybill's final status. The demo courier plays a parcel's events over time
through the same signed webhook a real courier calls.

A webhook body is JSON: {"events": [{"event_id", "waybill", "state", "text", "at"}]}, signed
with HMAC-SHA256 over "<timestamp>.<body>" under the courier's shared secret, sent as the
headers X-Courier-Timestamp (Unix seconds) and X-Courier-Signature (hex). A timestamp more
than five minutes off is refused, and an event id already applied is not applied again.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tongban.core.registry import Registry

SKEW_SECONDS = 300
STATES = ("created", "in_transit", "out", "signed", "returned")


class CourierUnavailable(Exception):
    """The courier's system could not be reached; nothing was created."""


class BadWebhook(Exception):
    """A webhook call that is not from the courier, too old, or not readable."""


@dataclass(frozen=True)
class TrackingUpdate:
    event_id: str
    waybill: str
    state: str
    text: str
    at: dt.datetime


class Courier(abc.ABC):
    name: str
    label: str

    @abc.abstractmethod
    def create_waybill(self, *, reference: str, recipient: Mapping[str, str]) -> str:
        """The waybill number for a new shipment; raise CourierUnavailable when down.
        `reference` is ours, so a retried request returns the same waybill."""

    @abc.abstractmethod
    def final_status(self, waybill: str) -> str | None:
        """The last state the courier knows ('signed', 'returned' or None while on the way)."""

    def secret(self) -> bytes:
        configured = getattr(settings, "COURIER_SECRETS", {}).get(self.name, "")
        if configured:
            return str(configured).encode()
        return hmac.new(
            settings.SECRET_KEY.encode(), f"courier:{self.name}".encode(), hashlib.sha256
        ).digest()

    def sign(self, body: bytes, timestamp: int) -> str:
        return hmac.new(self.secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()

    def verify(
        self, body: bytes, headers: Mapping[str, str], *, now: float | None = None
    ) -> list[TrackingUpdate]:
        """The events of a genuine, fresh webhook call, or BadWebhook."""
        stamp = headers.get("X-Courier-Timestamp", "")
        given = headers.get("X-Courier-Signature", "")
        if not stamp.isdigit() or not given:
            raise BadWebhook("缺少签名或时间戳")
        if abs((now or time.time()) - int(stamp)) > SKEW_SECONDS:
            raise BadWebhook("时间戳超出允许范围（可能是重放）")
        if not hmac.compare_digest(self.sign(body, int(stamp)), given.strip().lower()):
            raise BadWebhook("签名无效")
        return parse_events(body)


def parse_events(body: bytes) -> list[TrackingUpdate]:
    try:
        data = json.loads(body)
        items = data["events"]
        if not isinstance(items, list) or not items or len(items) > 100:
            raise ValueError
        updates = []
        for item in items:
            state = str(item["state"])
            if state not in STATES:
                raise ValueError
            at = dt.datetime.fromisoformat(str(item["at"]))
            if at.tzinfo is None:
                raise ValueError
            updates.append(
                TrackingUpdate(
                    event_id=str(item["event_id"])[:64],
                    waybill=str(item["waybill"])[:40],
                    state=state,
                    text=str(item.get("text", ""))[:200],
                    at=at,
                )
            )
        return updates
    except (ValueError, KeyError, TypeError) as exc:
        raise BadWebhook("事件内容格式错误") from exc


# --- the demo courier ---------------------------------------------------------------------------

# (state, text, hours after the waybill) — a parcel inside the city.
DEMO_ROUTE = (
    ("in_transit", "快件已揽收", 0.5),
    ("in_transit", "快件已到达市内处理中心", 3),
    ("out", "快件正在派送，投递员电话已短信告知", 18),
    ("signed", "快件已签收（本人签收）", 20),
)
# An address containing this is "undeliverable" in the demo, to try the return journey.
DEMO_UNDELIVERABLE = "查无此人"


class DemoCourier(Courier):
    """Waybills kept in the shipment rows; events computed from the waybill's age, scaled by
    `settings.DEMO_COURIER_HOURS` (seconds per courier hour; 3600 is real time)."""

    name = "demo"
    label = "示范邮政速递"

    def create_waybill(self, *, reference: str, recipient: Mapping[str, str]) -> str:
        if getattr(settings, "DEMO_COURIER_DOWN", False):
            raise CourierUnavailable("示范快递接口不可用")
        digest = hashlib.sha256(f"{reference}".encode()).hexdigest()
        return "DM" + str(int(digest[:12], 16))[:11].rjust(11, "0") + "CN"

    def final_status(self, waybill: str) -> str | None:
        return None  # the demo reports only through its events

    def due_events(
        self, *, waybill: str, created: dt.datetime, address: str, now: dt.datetime
    ) -> list[dict[str, Any]]:
        hour = float(getattr(settings, "DEMO_COURIER_HOURS", 3600))
        route = list(DEMO_ROUTE)
        if DEMO_UNDELIVERABLE in address:
            route[-1] = ("returned", f"无法投递（{DEMO_UNDELIVERABLE}），快件退回寄件人", 20)
        events = []
        for n, (state, text, hours) in enumerate(route, start=1):
            at = created + dt.timedelta(seconds=hours * hour)
            if at <= now:
                events.append(
                    {
                        "event_id": f"{waybill}-{n}",
                        "waybill": waybill,
                        "state": state,
                        "text": text,
                        "at": at.isoformat(),
                    }
                )
        return events

    def signed_call(self, events: list[dict[str, Any]]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"events": events}, ensure_ascii=False).encode()
        stamp = int(time.time())
        return body, {
            "X-Courier-Timestamp": str(stamp),
            "X-Courier-Signature": self.sign(body, stamp),
        }


couriers: Registry[Courier] = Registry("courier")


def register_default_couriers() -> None:
    couriers.register("demo", DemoCourier(), replace=True)


def courier_default() -> Courier:
    return couriers.get(getattr(settings, "COURIER", "demo"))
