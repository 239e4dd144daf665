"""The demo city's service hall: 西安市政务服务中心 with four ticket categories, eight windows,
its kiosk and display board, and the window staff."""

from __future__ import annotations

from tongban.accounts.models import DeviceIdentity, User
from tongban.catalog.models import ServiceItem
from tongban.hall.models import Hall
from tongban.hall.services.setup import hall_define, hall_device_place

# Which departments' enterprise items each specialised category covers; 综合受理 (A) takes
# every item: any window clerk may accept any department's item (只进一扇门).
STARTUP_DEPARTMENTS = {"scjg", "gaj", "swj", "whlv"}
CONSTRUCTION_DEPARTMENTS = {"fgw", "zrzy", "zjj", "sthj", "cgj"}
SOCIAL_DEPARTMENTS = {"rsj", "ybj", "gjj"}


def _codes(departments: set[str], *, enterprise_only: bool) -> list[str]:
    items = ServiceItem.objects.filter(
        state=ServiceItem.State.PUBLISHED, department__code__in=departments
    )
    if enterprise_only:
        items = items.exclude(audience="person")
    return sorted(set(items.values_list("code", flat=True)))


def demo_hall_seed() -> Hall:
    hall = hall_define(
        code="xa-civic",
        name="西安市政务服务中心",
        address="陕西省西安市未央区凤城八路109号（示例）",
        categories=[
            {
                "letter": "A",
                "name": "综合受理",
                "description": "个人事项及其他各类事项，一窗受理",
                "default_service_minutes": 8,
            },
            {
                "letter": "B",
                "name": "企业开办",
                "description": "营业执照、公章刻制、发票申领、出版物经营等",
                "item_codes": _codes(STARTUP_DEPARTMENTS, enterprise_only=True),
                "default_service_minutes": 15,
            },
            {
                "letter": "C",
                "name": "工程建设",
                "description": "立项、用地、规划、施工许可、环评等",
                "item_codes": _codes(CONSTRUCTION_DEPARTMENTS, enterprise_only=True),
                "default_service_minutes": 20,
            },
            {
                "letter": "D",
                "name": "社保医保",
                "description": "社会保险、医疗保障、住房公积金",
                "item_codes": _codes(SOCIAL_DEPARTMENTS, enterprise_only=False),
                "default_service_minutes": 10,
            },
        ],
        windows=[
            {"number": 1, "name": "综合受理", "categories": ["A"]},
            {"number": 2, "name": "综合受理", "categories": ["A"]},
            {"number": 3, "name": "综合受理", "categories": ["A"]},
            {"number": 4, "name": "企业开办", "categories": ["B", "A"]},
            {"number": 5, "name": "企业开办", "categories": ["B"]},
            {"number": 6, "name": "工程建设", "categories": ["C"]},
            {"number": 7, "name": "社保医保", "categories": ["D"]},
            {"number": 8, "name": "社保医保", "categories": ["D", "A"]},
        ],
        staff=User.objects.filter(username__in=["clerk", "clerk2"]),
        managers=User.objects.filter(username="manager"),
        opens_at="08:30",
        closes_at="18:00",
    )
    for name in ("市民中心自助机01", "市民中心叫号屏01"):
        device = DeviceIdentity.objects.filter(name=name).first()
        if device is not None:
            hall_device_place(device=device, hall=hall)
    return hall
