"""The demo city's exchange: the resource catalog, grants derived from what the catalog's items
need, the provider departments' registries (synthetic people and enterprises), and a set of
real applications made through the services, so that every figure is computed from cases.

Everything is idempotent and deterministic (a fixed random seed); all people, numbers and
enterprises are synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tongban.accounts.models import Department, Enterprise, EnterpriseMember, Role, User
from tongban.accounts.services import enterprise_register, user_create
from tongban.cases.models import Case, Channel
from tongban.cases.services.resolution import resources_for
from tongban.cases.services.submission import case_save_draft, case_submit, form_material
from tongban.catalog.models import Audience, Bundle, Material, ServiceItem
from tongban.catalog.selectors import item_version, materials_for_choices
from tongban.catalog.services.bundles import bundle_items
from tongban.certificates.services import demo_types_text, types_load
from tongban.core.synthetic import make_id_number, make_pdf, make_uscc
from tongban.demo.delivery_seed import demo_delivery_choice
from tongban.demo.passwords import DEMO_PASSWORD
from tongban.exchange.models import AccessGrant, DataResource, RegistryRecord, SharingClass
from tongban.exchange.services.grants import grant_decide, grant_request, resource_define
from tongban.forms.prefill import PrefillContext, prefill
from tongban.forms.services import item_form
from tongban.forms.synthetic import fill_form

# zhangsan's second company: being set up, so the registry holds nothing of it yet.
NEW_COMPANY_NAME = "西安某某书咖文化有限公司"

GRANT_PURPOSE = "办理本部门政务服务事项时核验信息，申请人免于提交相应材料"
STEMS = "甲乙丙丁戊己庚辛壬癸"
SURNAMES = "赵钱孙李周吴郑王冯陈"
STREETS = ["示例路", "样板街", "演示大道", "测试巷", "模拟路"]
PDF = make_pdf("synthetic demo material")


@dataclass
class ExchangeSeedReport:
    resources: int = 0
    grants: int = 0
    records: int = 0
    cases: int = 0


def demo_exchange_text() -> str:
    return (
        resources.files("tongban.exchange")
        .joinpath("fixtures/demo_exchange.yaml")
        .read_text(encoding="utf-8")
    )


def _resources() -> int:
    doc = yaml.safe_load(demo_exchange_text())
    for spec in doc["resources"]:
        spec = dict(spec)
        provider = Department.objects.get(code=spec.pop("provider"))
        resource_define(code=spec.pop("code"), provider=provider, fields=spec.pop("fields"), **spec)
    return len(doc["resources"])


# What a department needs in clear to fill in the applicant's form (性别, 住址 from 户籍): the
# rest of each record stays masked as its fields say.
CLEAR_FOR_FORMS = {"res.population": ("sex", "birth_date", "address")}


def _grants(admin: User) -> int:
    """Each department gets the resources its published items obtain for applicants."""
    materials = list(
        Material.objects.filter(item__state=ServiceItem.State.PUBLISHED)
        .exclude(source=Material.Source.APPLICANT)
        .select_related("item")
    )
    resources = resources_for(materials)
    wanted: set[tuple[int, int]] = set()
    for material in materials:
        resource = resources.get(material.pk)
        if resource is not None and resource.sharing_class != SharingClass.NOT_SHARED:
            wanted.add((material.item.department_id, resource.pk))
    # A 一件事's lead department checks which results the applicant already holds.
    for bundle in Bundle.objects.filter(active=True):
        for resource in DataResource.objects.filter(issued_by_item__in=bundle_items(bundle)):
            if resource.sharing_class != SharingClass.NOT_SHARED:
                wanted.add((bundle.lead_department_id, resource.pk))
    made = 0
    until = timezone.localdate() + dt.timedelta(days=730)
    for consumer_id, resource_id in sorted(wanted):
        resource = DataResource.objects.get(pk=resource_id)
        consumer = Department.objects.get(pk=consumer_id)
        if AccessGrant.objects.filter(
            resource=resource, consumer=consumer, state=AccessGrant.State.APPROVED
        ).exists():
            continue
        grant = grant_request(
            actor=admin,
            resource=resource,
            consumer=consumer,
            purpose=GRANT_PURPOSE,
            fields=list(resource.fields.values_list("code", flat=True)),
            clear_fields=list(CLEAR_FOR_FORMS.get(resource.code, ())),
            valid_until=until,
        )
        if grant.state == AccessGrant.State.REQUESTED:
            grant_decide(actor=admin, grant=grant, approve=True, note="演示城市：按事项需要批准")
        made += 1
    # One request waiting for the provider's steward, to show the approval console.
    marriage = DataResource.objects.get(code="res.marriage")
    scjg = Department.objects.get(code="scjg")
    if not AccessGrant.objects.filter(resource=marriage, consumer=scjg).exists():
        grant_request(
            actor=admin,
            resource=marriage,
            consumer=scjg,
            purpose="个体工商户登记时核验家庭经营成员关系",
            fields=["status", "spouse_name"],
            valid_until=until,
        )
        made += 1
    return made


def _record(code: str, key: str, data: dict[str, Any]) -> None:
    RegistryRecord.objects.update_or_create(
        resource=DataResource.objects.get(code=code), subject_key=key, defaults={"data": data}
    )


def _person_records(user: User, rng: random.Random, full: bool) -> None:
    assert user.id_number  # noqa: S101 — every demo person has one
    key = user.id_number
    birth = dt.date(int(key[6:10]), int(key[10:12]), int(key[12:14]))
    street = rng.choice(STREETS)
    address = f"陕西省西安市新城区{street}{rng.randint(1, 300)}号"
    _record(
        "res.population",
        key,
        {
            "name": user.real_name,
            "sex": "男" if int(key[16]) % 2 else "女",
            "ethnicity": "汉族",
            "birth_date": birth.isoformat(),
            "id_number": key,
            "address": address,
            "household": "家庭户",
        },
    )
    if full or rng.random() < 0.8:
        _record(
            "res.real_estate",
            key,
            {
                "certificate_no": f"陕（2024）西安市不动产权第{rng.randint(1000000, 9999999)}号",
                "owner": user.real_name,
                "location": address,
                "area": round(rng.uniform(45, 180), 2),
                # The named demo people's homes are homes: an application that uses one as
                # business premises shows the reviewer the mismatch (住改商).
                "use": "住宅" if rng.random() < 0.7 or full else "商业",
                "registered_on": dt.date(
                    2010 + rng.randint(0, 14), rng.randint(1, 12), 15
                ).isoformat(),
            },
        )
    if full or rng.random() < 0.6:
        _record(
            "res.marriage",
            key,
            {"status": "已婚", "spouse_name": "某某", "registered_on": "2015-05-20"},
        )
    if full or rng.random() < 0.8:
        _record(
            "res.social_insurance",
            key,
            {"insured": "正常参保", "employer": "西安示例单位", "since": "2012-07", "card_no": "—"},
        )
    if full or rng.random() < 0.5:
        _record(
            "cert.health",
            key,
            {
                "certificate_no": f"JK{rng.randint(10**7, 10**8 - 1)}",
                "holder": user.real_name,
                "valid_until": "2027-06-30",
            },
        )
    if rng.random() < 0.5:
        _record(
            "res.employment",
            key,
            {"status": "失业登记", "last_employer": "西安示例单位", "ended_on": "2026-08-31"},
        )


def _enterprise_records(enterprise: Enterprise, rng: random.Random, full: bool) -> None:
    _record(
        "res.business_license",
        enterprise.uscc,
        {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "type": "有限责任公司（自然人投资或控股）",
            "legal_representative": enterprise.legal_representative,
            "registered_capital": rng.choice([10, 50, 100, 200]),
            "established_on": f"202{rng.randint(0, 5)}-0{rng.randint(1, 9)}-15",
            "address": enterprise.address,
            "business_scope": "图书、报刊零售；食品销售；餐饮服务；文化用品销售",
            "status": "存续",
        },
    )
    if full or rng.random() < 0.85:
        _record(
            "res.lease_filing",
            enterprise.uscc,
            {
                "filing_no": f"西安租备{rng.randint(10**6, 10**7 - 1)}",
                "lessor": "某某",
                "location": enterprise.address,
                "term": "2025-01-01至2029-12-31",
            },
        )
    if full or rng.random() < 0.7:
        _record(
            "res.tax_clearance",
            enterprise.uscc,
            {"cleared": "是", "as_of": timezone.localdate().isoformat()},
        )


def _people(rng: random.Random) -> tuple[list[User], list[Enterprise]]:
    people: list[User] = []
    enterprises: list[Enterprise] = []
    # The residents sign in with the demo city's one published password, hashed once (the
    # demo staff's hash, when they are on file).
    shared = User.objects.filter(username="zhangsan").values_list("password", flat=True).first()
    for n in range(20):
        username = f"demo-p{n + 1:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                password_hash=shared or "",
                real_name=SURNAMES[n % 10] + STEMS[(n * 3) % 10] + ("一" if n >= 10 else ""),
                roles=(Role.APPLICANT,),
                id_number=make_id_number(
                    "610102", dt.date(1985 + n, 1 + n % 12, 1 + n % 28), 300 + n
                ),
                phone=f"1390000{n + 1:04d}",
            )
        people.append(user)
    for n, handler in enumerate(people[:10]):
        enterprise = handler.enterprises.first()
        if enterprise is None:
            enterprise = enterprise_register(
                name=f"西安示例{STEMS[n]}号文化有限公司",
                uscc=make_uscc("91", "610102", 52000000 + n),
                legal_representative=handler.real_name,
                region_code="610102",
                address=f"陕西省西安市新城区{STREETS[n % 5]}{n + 10}号",
                handler=handler,
                capacity=EnterpriseMember.Capacity.LEGAL_REPRESENTATIVE,
            )
        enterprises.append(enterprise)
    return people, enterprises


def demo_apply(
    user: User,
    item: ServiceItem,
    enterprise: Enterprise | None,
    rng: random.Random,
    key: str,
    *,
    actor: User | None = None,
    channel: str = Channel.ONLINE,
    situations: dict[str, str] | None = None,
    before_submit: Callable[[Case], Mapping[str, Any] | None] | None = None,
) -> Case | None:
    """One application through the real services, uploading what is asked of the applicant:
    online by the person, or at the window by a clerk for them (`actor`, `channel`), in the
    `situations` given (the others drawn). `before_submit` is given the draft before it is
    submitted (a pre-visit asked from it) and may return form values the person typed.
    None when this key was used already."""
    version = item_version(item.pk)
    choices = {
        s.code: rng.choice([o.code for o in s.options.all()]) for s in version.situations.all()
    }
    choices.update(situations or {})  # what the caller chose, the rest drawn
    case = case_save_draft(
        actor=actor or user,
        code=item.code,
        applicant=user,
        idempotency_key=key,
        enterprise=enterprise,
        situations=choices,
        channel=channel,
    )
    if case.state != "draft":
        return None
    # The form as the portal would show it: what the account knows, then the person's typing.
    schema = item_form(version)
    known = prefill(
        schema, PrefillContext(item=version, user=user, enterprise=enterprise), sources={"profile"}
    )
    form = fill_form(schema, choices, {k: p.value for k, p in known.items()}, rng)
    if before_submit is not None:
        form.update(before_submit(case) or {})
    # What is already in (obtained by the platform, or made with a platform tool) is not
    # uploaded again.
    rows = {row.material_id: row.status for row in case.materials.all()}
    files = {}
    by_form = form_material(version)
    for material in materials_for_choices(version, choices):
        if material.name == by_form:
            continue  # the application form is filled online below, not uploaded
        needs_file = material.source == Material.Source.APPLICANT or rows.get(material.pk) in (
            "unavailable",
            "to_resolve",
        )
        provided = rows.get(material.pk) == "provided"
        if needs_file and not provided and material.requirement != Material.Requirement.OPTIONAL:
            files[material.pk] = SimpleUploadedFile(
                f"{material.name[:20]}.pdf", PDF, content_type="application/pdf"
            )
    # How the result should reach them: chosen with the application (its own random stream,
    # so the rest of the demo's data stays as it was).
    delivery = demo_delivery_choice(case, random.Random(f"delivery-{key}"))  # noqa: S311
    return case_submit(
        case=case,
        actor=actor or user,
        situations=choices,
        files=files,
        form_data=form,
        extras={"delivery": delivery} if delivery else None,
    )


def _cases(people: list[User], enterprises: list[Enterprise], rng: random.Random) -> int:
    published = ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED).order_by("code")
    enterprise_items = list(published.filter(audience__in=[Audience.ENTERPRISE, Audience.BOTH]))
    # Most of a city's enterprise applications are start-ups, shops and hiring; projects rarer.
    common = [
        item
        for item in enterprise_items
        if item.life_events.filter(code__in=["start-business", "open-shop", "hiring"]).exists()
    ]
    person_items = list(published.filter(audience__in=[Audience.PERSON, Audience.BOTH]))
    made = 0
    for n, enterprise in enumerate(enterprises):
        handler = people[n]
        chosen = rng.sample(common, 3) + rng.sample(enterprise_items, 1)
        for m, item in enumerate(dict.fromkeys(chosen)):
            made += demo_apply(handler, item, enterprise, rng, f"demo-e{n}-{m}") is not None
    for n, person in enumerate(people[10:]):
        for m, item in enumerate(rng.sample(person_items, 2)):
            made += demo_apply(person, item, None, rng, f"demo-p{n}-{m}") is not None
    return made


def demo_exchange_seed(*, with_cases: bool = True) -> ExchangeSeedReport:
    report = ExchangeSeedReport()
    rng = random.Random(2026)  # noqa: S311 — reproducible synthetic data, not secrets
    report.resources = _resources()
    # The certificate library publishes its types as resources before grants are derived.
    types_load(demo_types_text())
    admin = User.objects.get(username="admin")
    report.grants = _grants(admin)
    for username in ("zhangsan", "lisi", "wangwu"):
        _person_records(User.objects.get(username=username), rng, full=True)
    for enterprise in Enterprise.objects.filter(members__username="zhangsan").exclude(
        name=NEW_COMPANY_NAME
    ):
        _enterprise_records(enterprise, rng, full=True)
    people, enterprises = _people(rng)
    for person in people:
        _person_records(person, rng, full=False)
    for enterprise in enterprises:
        _enterprise_records(enterprise, rng, full=False)
    report.records = RegistryRecord.objects.count()
    if with_cases and not Case.objects.filter(idempotency_key__startswith="demo-").exists():
        report.cases = _cases(people, enterprises, rng)
    return report
