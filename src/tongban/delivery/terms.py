"""What each delivery mode costs and how long it takes, and who may have a result brought to
the door: a city's own terms, from `settings.DELIVERY_TERMS` and `settings.DOOR_GROUPS` when
set, else these defaults (the article's practice: mail and door delivery free of charge)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import DeliveryMode
from tongban.core.ids import region_is_current, region_name


@dataclass(frozen=True)
class Terms:
    cost: str | Promise  # the defaults are lazy translations: said in the page's language
    time: str | Promise
    visit: bool  # does the applicant have to come in person?


DEFAULT_TERMS = {
    DeliveryMode.WINDOW: Terms(
        _("免费"), _("结果制作完成后，工作日到窗口领取（需到现场一次）"), True
    ),
    DeliveryMode.LOCKER: Terms(
        _("免费"), _("结果制作后1个工作日内存入，凭取件码和身份证24小时自取，7天内有效"), False
    ),
    DeliveryMode.MAIL: Terms(_("免费（政府付费邮寄）"), _("寄出后市内1–2天、省内2–3天送达"), False),
    DeliveryMode.DOOR: Terms(_("免费"), _("结果制作后3个工作日内由工作人员送到指定地址"), False),
    DeliveryMode.ELECTRONIC: Terms(
        _("免费"), _("结果制作后即可在“我的证照”下载签章版电子证照"), False
    ),
}

DEFAULT_DOOR_GROUPS = {
    "elderly": _("老年人（年满65周岁）"),
    "disabled": _("残疾人（持残疾人证）"),
    "key_project": _("重点项目企业"),
}


def terms_for(mode: str) -> Terms:
    custom = getattr(settings, "DELIVERY_TERMS", None) or {}
    if mode in custom:
        c = custom[mode]
        return Terms(str(c["cost"]), str(c["time"]), bool(c.get("visit", mode == "window")))
    return DEFAULT_TERMS[DeliveryMode(mode)]


def door_groups() -> dict[str, str | Promise]:
    return dict(getattr(settings, "DOOR_GROUPS", None) or DEFAULT_DOOR_GROUPS)


def door_elderly_age() -> int:
    return int(getattr(settings, "DOOR_ELDERLY_AGE", 65))


def in_city(region_code: str) -> bool:
    """A GB/T 2260 code inside the city this platform serves (its first four digits)."""
    return region_code[:4] == settings.REGION_CODE[:4] and region_code != settings.REGION_CODE


@functools.cache
def city_districts() -> tuple[tuple[str, str], ...]:
    """(code, name) of the city's districts and counties from the GB/T 2260 table."""
    prefix = settings.REGION_CODE[:4]
    found = []
    for n in range(1, 100):
        code = f"{prefix}{n:02d}"
        name = region_name(code)
        if name and region_is_current(code) and "市辖区" not in name:
            found.append((code, name.split(" ")[-1]))
    return tuple(found)
