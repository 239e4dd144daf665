"""Seed the demo city: departments, people for every role, an enterprise, devices, the catalog.

All people and numbers are synthetic (valid checksums, fictitious names).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import (
    Delegation,
    Department,
    DeviceIdentity,
    EnterpriseMember,
    Role,
    User,
)
from tongban.accounts.services import (
    department_create,
    device_register,
    enterprise_register,
    user_create,
)
from tongban.cases.services.delegations import delegation_grant
from tongban.catalog.models import Bundle
from tongban.catalog.services import ImportReport, catalog_import
from tongban.catalog.services.bundles import bundle_define
from tongban.core.services import calendar_seed_from_package
from tongban.core.synthetic import make_id_number, make_uscc
from tongban.demo.delivery_seed import demo_delivery_history, demo_delivery_seed
from tongban.demo.exchange_seed import NEW_COMPANY_NAME, ExchangeSeedReport, demo_exchange_seed
from tongban.demo.field_seed import demo_credit_resource
from tongban.demo.hall_seed import demo_hall_history, demo_hall_seed
from tongban.demo.passwords import DEMO_PASSWORD
from tongban.floorplans.models import FloorPlan
from tongban.floorplans.services import plan_create
from tongban.guide.services import synonyms_import
from tongban.ratings.services.pads import rating_pad_setup
from tongban.servicemap.services import points_import

REGION = "610100"  # 西安市

DEPARTMENTS = [
    ("scjg", "西安市市场监督管理局", "市场监管", "Xi'an Administration for Market Regulation"),
    (
        "whlv",
        "西安市文化和旅游局（新闻出版）",
        "文化和旅游",
        "Xi'an Bureau of Culture and Tourism (Press and Publication)",
    ),
    ("sthj", "西安市生态环境局", "生态环境", "Xi'an Bureau of Ecology and Environment"),
    (
        "cgj",
        "西安市城市管理和综合执法局",
        "城市管理",
        "Xi'an Bureau of Urban Management and Law Enforcement",
    ),
    (
        "zjj",
        "西安市住房和城乡建设局",
        "住房和城乡建设",
        "Xi'an Bureau of Housing and Urban-Rural Development",
    ),
    (
        "zrzy",
        "西安市自然资源和规划局",
        "自然资源和规划",
        "Xi'an Bureau of Natural Resources and Planning",
    ),
    ("fgw", "西安市发展和改革委员会", "发展和改革", "Xi'an Development and Reform Commission"),
    ("wjw", "西安市卫生健康委员会", "卫生健康", "Xi'an Health Commission"),
    ("ybj", "西安市医疗保障局", "医疗保障", "Xi'an Healthcare Security Administration"),
    ("gaj", "西安市公安局", "公安", "Xi'an Public Security Bureau"),
    (
        "rsj",
        "西安市人力资源和社会保障局",
        "人力资源和社会保障",
        "Xi'an Bureau of Human Resources and Social Security",
    ),
    (
        "swj",
        "国家税务总局西安市税务局",
        "税务",
        "Xi'an Municipal Tax Service, State Taxation Administration",
    ),
    (
        "gjj",
        "西安住房公积金管理中心",
        "住房公积金",
        "Xi'an Housing Provident Fund Management Centre",
    ),
    ("mzj", "西安市民政局", "民政", "Xi'an Civil Affairs Bureau"),
]

# Demo logins only: printed by `make demo`, never used outside a demo database.


@dataclass(frozen=True)
class DemoPerson:
    username: str
    real_name: str
    roles: tuple[str, ...]
    department: str | None = None
    birth: dt.date = dt.date(1990, 1, 1)


DEMO_PAD = "市民中心1号窗口评价器"

PEOPLE = [
    DemoPerson("zhangsan", "张三", (Role.APPLICANT,), birth=dt.date(1988, 3, 12)),
    DemoPerson("lisi", "李四", (Role.APPLICANT,), birth=dt.date(1992, 7, 3)),
    DemoPerson("wangwu", "王五", (Role.AGENT,), birth=dt.date(1985, 11, 20)),
    DemoPerson("clerk", "赵窗口", (Role.CLERK,), "scjg", dt.date(1991, 5, 6)),
    DemoPerson("reviewer", "钱审批", (Role.REVIEWER,), "scjg", dt.date(1986, 9, 14)),
    DemoPerson("manager", "孙大厅", (Role.HALL_MANAGER,), None, dt.date(1984, 2, 27)),
    DemoPerson("steward", "周数据", (Role.DATA_STEWARD,), "scjg", dt.date(1987, 12, 1)),
    DemoPerson("admin", "吴管理", (Role.ADMINISTRATOR,), None, dt.date(1985, 6, 18)),
    # The civil affairs bureau's data steward decides requests for 婚姻登记信息.
    DemoPerson("steward_mzj", "郑民政", (Role.DATA_STEWARD,), "mzj", dt.date(1989, 4, 9)),
    # A second window clerk at the civic centre (社保医保 windows).
    DemoPerson("clerk2", "冯窗口", (Role.CLERK,), "rsj", dt.date(1993, 8, 22)),
    # Reviewers of the departments in the bundles' joint reviews (开书店、工程建设).
    DemoPerson("reviewer_whlv", "褚文审", (Role.REVIEWER,), "whlv", dt.date(1983, 10, 9)),
    DemoPerson("reviewer_sthj", "卫环评", (Role.REVIEWER,), "sthj", dt.date(1990, 1, 25)),
    DemoPerson("reviewer_cgj", "蒋城管", (Role.REVIEWER,), "cgj", dt.date(1988, 6, 30)),
    DemoPerson("reviewer_zjj", "沈建设", (Role.REVIEWER,), "zjj", dt.date(1982, 3, 17)),
    # Every department that handles items has a reviewer: its cases and its bad ratings
    # (好差评 callbacks within a working day) need someone of its own.
    DemoPerson("reviewer_zrzy", "韩规划", (Role.REVIEWER,), "zrzy", dt.date(1984, 5, 11)),
    DemoPerson("reviewer_fgw", "杨发改", (Role.REVIEWER,), "fgw", dt.date(1981, 8, 2)),
    DemoPerson("reviewer_wjw", "朱卫健", (Role.REVIEWER,), "wjw", dt.date(1989, 2, 14)),
    DemoPerson("reviewer_ybj", "秦医保", (Role.REVIEWER,), "ybj", dt.date(1990, 10, 8)),
    DemoPerson("reviewer_gaj", "尤户政", (Role.REVIEWER,), "gaj", dt.date(1986, 4, 23)),
    DemoPerson("reviewer_rsj", "许社保", (Role.REVIEWER,), "rsj", dt.date(1987, 7, 19)),
    DemoPerson("reviewer_swj", "何税务", (Role.REVIEWER,), "swj", dt.date(1985, 12, 5)),
    DemoPerson("reviewer_gjj", "吕公积", (Role.REVIEWER,), "gjj", dt.date(1988, 1, 27)),
    DemoPerson("reviewer_mzj", "施民政", (Role.REVIEWER,), "mzj", dt.date(1983, 9, 16)),
    # 现场核查: two inspectors each for the food licence, the public-venue hygiene permit and
    # the publication permit (an inspection is made by at least two).
    DemoPerson("inspector", "陈核查", (Role.INSPECTOR,), "scjg", dt.date(1987, 3, 8)),
    DemoPerson("inspector2", "魏核查", (Role.INSPECTOR,), "scjg", dt.date(1991, 11, 2)),
    DemoPerson("inspector_wjw", "金卫监", (Role.INSPECTOR,), "wjw", dt.date(1986, 6, 21)),
    DemoPerson("inspector_wjw2", "杜卫监", (Role.INSPECTOR,), "wjw", dt.date(1992, 9, 13)),
    DemoPerson("inspector_whlv", "罗文执", (Role.INSPECTOR,), "whlv", dt.date(1988, 4, 30)),
    DemoPerson("inspector_whlv2", "邓文执", (Role.INSPECTOR,), "whlv", dt.date(1990, 12, 3)),
]


@dataclass
class SeedReport:
    departments: int = 0
    people: list[DemoPerson] = field(default_factory=list)
    devices: dict[str, str] = field(default_factory=dict)
    catalog: ImportReport | None = None
    exchange: ExchangeSeedReport | None = None
    hall_tickets: int = 0
    delivered: int = 0


def demo_catalog_text() -> str:
    return (
        resources.files("tongban.catalog")
        .joinpath("fixtures/demo_catalog.yaml")
        .read_text(encoding="utf-8")
    )


def demo_bundles_seed() -> list[Bundle]:
    """The demo city's bundles (一件事), checked against the catalogue just imported."""
    text = resources.files("tongban.catalog").joinpath("fixtures/demo_bundles.yaml")
    doc = yaml.safe_load(text.read_text(encoding="utf-8"))
    return [
        bundle_define(
            code=b["code"],
            name=b["name"],
            name_en=b.get("name_en", ""),
            aliases=b.get("aliases", []),
            summary=b.get("summary", ""),
            audience=b["audience"],
            lead_department=Department.objects.get(code=b["lead_department"]),
            joint_review=bool(b.get("joint_review", False)),
            definition=b["definition"],
        )
        for b in doc["bundles"]
    ]


def demo_departments_seed() -> int:
    """The demo city's departments; how many were new."""
    created = 0
    for order, (code, name, short, english) in enumerate(DEPARTMENTS, start=1):
        if not Department.objects.filter(code=code).exists():
            department_create(
                code=code,
                name=name,
                name_en=english,
                short_name=short,
                region_code=REGION,
                credit_code=make_uscc("11", REGION, 70000000 + order),
                phone=f"029-123450{order:02d}",
                order=order,
            )
            created += 1
    return created


def demo_catalogue_seed() -> ImportReport:
    """The demo catalogue: its items, bundles and the guide's synonym table (the departments
    must exist)."""
    report = catalog_import(text=demo_catalog_text(), publish=True)
    demo_bundles_seed()
    synonyms_import(
        resources.files("tongban.guide").joinpath("fixtures/synonyms.yaml").read_text("utf-8")
    )
    return report


@transaction.atomic
def demo_seed(*, with_cases: bool = True) -> SeedReport:
    """Idempotent: what exists is kept; the catalog import only adds changed versions.
    `with_cases` adds the demo city's applications (the figures are computed from them)."""
    report = SeedReport()
    # Normally loaded by the migrations; a flushed database (tests) gets it back here.
    calendar_seed_from_package()
    report.departments = demo_departments_seed()
    shared_hash = ""  # the published demo password, checked and hashed once for everyone
    for index, person in enumerate(PEOPLE, start=1):
        if User.objects.filter(username=person.username).exists():
            continue
        department = Department.objects.get(code=person.department) if person.department else None
        made = user_create(
            username=person.username,
            password=DEMO_PASSWORD,
            real_name=person.real_name,
            roles=person.roles,
            id_number=make_id_number("610102", person.birth, 100 + index * 7),
            phone=f"1380000{index:04d}",
            department=department,
            staff_number=""
            if set(person.roles) <= {Role.APPLICANT, Role.AGENT}
            else f"XA{610000 + index}",
            password_hash=shared_hash,
        )
        shared_hash = shared_hash or made.password
        report.people.append(person)
    zhangsan = User.objects.get(username="zhangsan")
    # The registered bookstore, and a second company being set up: its name reported and its
    # code given, not yet registered (the registry has no record), so that the 开书店一件事
    # applies every item for it and skips the business licence for the first.
    for name, serial, address in [
        ("西安某某书店有限公司", 31415926, "陕西省西安市新城区示例路1号"),
        (NEW_COMPANY_NAME, 27182818, "陕西省西安市新城区示例路8号"),
    ]:
        if not zhangsan.enterprises.filter(name=name).exists():
            enterprise_register(
                name=name,
                uscc=make_uscc("91", "610102", serial),
                legal_representative="张三",
                region_code="610102",
                address=address,
                handler=zhangsan,
                capacity=EnterpriseMember.Capacity.LEGAL_REPRESENTATIVE,
            )
    # 帮办代办: the bookstore's mandate to 王五 (every item, a year), under which he can open
    # a construction project on /projects/.
    agent = User.objects.get(username="wangwu")
    bookstore = zhangsan.enterprises.get(name="西安某某书店有限公司")
    if not Delegation.objects.filter(agent=agent, enterprise=bookstore).exists():
        delegation_grant(
            applicant=zhangsan,
            agent=agent,
            enterprise=bookstore,
            valid_until=timezone.now() + dt.timedelta(days=365),
        )
    # 餐饮平面图: the plan of the café 张三 is opening in the bookstore, from a template.
    if not FloorPlan.objects.filter(owner=zhangsan).exists():
        plan_create(owner=zhangsan, template="cafe")
    for kind, name in [
        (DeviceIdentity.Kind.KIOSK, "市民中心自助机01"),
        (DeviceIdentity.Kind.DISPLAY, "市民中心叫号屏01"),
    ]:
        if not DeviceIdentity.objects.filter(name=name).exists():
            issued = device_register(kind=kind, name=name, location="西安市政务服务中心")
            report.devices[name] = issued.api_key
    report.catalog = demo_catalogue_seed()
    report.devices.update(demo_delivery_seed())
    demo_credit_resource()
    report.exchange = demo_exchange_seed(with_cases=with_cases)
    hall = demo_hall_seed()
    # The rating pad at window 1 (好差评 一次一评).
    if not DeviceIdentity.objects.filter(name=DEMO_PAD).exists():
        issued = rating_pad_setup(window=hall.windows.get(number=1), name=DEMO_PAD)
        report.devices[DEMO_PAD] = issued.api_key
    points_import(
        resources.files("tongban.servicemap")
        .joinpath("fixtures/demo_points.yaml")
        .read_text("utf-8")
    )
    if with_cases:
        report.delivered = demo_delivery_history(random.Random(2026))  # noqa: S311
        report.hall_tickets = demo_hall_history(hall)
    return report
