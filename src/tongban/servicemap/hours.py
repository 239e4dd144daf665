"""Opening hours of a service point: 24 hours, or a daily span on every day or on the
platform's working days (its calendar: statutory holidays and their make-up days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tongban.core.calendar import is_working_day

ALWAYS = "24h"


@dataclass(frozen=True)
class Hours:
    always: bool = False
    days: str = "working"  # "working": the platform's working days; "daily": every day
    opens: dt.time | None = None
    closes: dt.time | None = None

    def open_at(self, moment: dt.datetime) -> bool:
        """Open at this local time."""
        if self.always:
            return True
        assert self.opens is not None and self.closes is not None  # noqa: S101 — parsed
        if self.days == "working" and not is_working_day(moment.date()):
            return False
        return self.opens <= moment.time() < self.closes

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """When it next opens after `moment` (None when it is always open)."""
        if self.always or self.opens is None:
            return None
        day = moment.date()
        for _n in range(40):
            start = dt.datetime.combine(day, self.opens, tzinfo=moment.tzinfo)
            if start > moment and (self.days == "daily" or is_working_day(day)):
                return start
            day += dt.timedelta(days=1)
        return None

    def text(self) -> str:
        if self.always:
            return _("24小时开放")
        assert self.opens is not None and self.closes is not None  # noqa: S101 — parsed
        span = f"{self.opens:%H:%M}–{self.closes:%H:%M}"
        return (_("工作日 %(span)s") if self.days == "working" else _("每天 %(span)s")) % {
            "span": span
        }

    def as_data(self) -> Any:
        if self.always:
            return ALWAYS
        assert self.opens is not None and self.closes is not None  # noqa: S101 — parsed
        return {"days": self.days, "opens": f"{self.opens:%H:%M}", "closes": f"{self.closes:%H:%M}"}


def _time(value: Any, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{name}应为“时:分”，如 09:00") from exc


def parse_hours(raw: Any) -> Hours:
    """Hours from their data ("24h", or {days, opens, closes}); ValueError in words."""
    if raw == ALWAYS:
        return Hours(always=True)
    if not isinstance(raw, dict) or not raw:
        raise ValueError("缺少开放时间：填 24h，或 days（working/daily）、opens、closes")
    days = raw.get("days", "working")
    if days not in ("working", "daily"):
        raise ValueError("开放日（days）应为 working（工作日）或 daily（每天）")
    if "opens" not in raw or "closes" not in raw:
        raise ValueError("开放时间须有开门（opens）和关门（closes）时间")
    opens, closes = _time(raw["opens"], "开门时间"), _time(raw["closes"], "关门时间")
    if closes <= opens:
        raise ValueError("关门时间应晚于开门时间")
    return Hours(days=days, opens=opens, closes=closes)
