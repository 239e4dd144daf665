"""factory-boy factories with synthetic people (never real names or numbers)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import factory
from django.utils import timezone

from tongban.accounts.models import Department, Role, RoleGrant, User
from tongban.catalog.models import (
    Condition,
    LegalBasis,
    Material,
    ServiceItem,
    Situation,
    SituationOption,
)
from tongban.core.synthetic import make_id_number, make_uscc
from tongban.exchange.models import AccessGrant, DataResource, RegistryRecord, ResourceField

TEST_PASSWORD = "correct-horse-battery-staple"


@functools.cache
def _hashed_test_password() -> str:
    """Argon2 is slow by design; hash the shared test password once per run."""
    from django.contrib.auth.hashers import make_password

    return make_password(TEST_PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    region_code = "610100"
    credit_code = factory.Sequence(lambda n: make_uscc("11", "610100", 50000000 + n))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    id_number = factory.Sequence(
        lambda n: make_id_number("610102", dt.date(1990, 1, 1) + dt.timedelta(days=n), n)
    )
    phone = factory.Sequence(lambda n: f"1390000{n % 10000:04d}")
    password = factory.LazyFunction(lambda: _hashed_test_password())

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or [Role.APPLICANT]:
            RoleGrant.objects.get_or_create(user=self, role=role)


class ServiceItemFactory(factory.django.DjangoModelFactory[ServiceItem]):
    class Meta:
        model = ServiceItem
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    basic_code = factory.Sequence(lambda n: f"0001{n:08d}")
    version = 1
    state = ServiceItem.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    name = factory.Sequence(lambda n: f"测试事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    item_type = "licensing"
    audience = "enterprise"
    legal_limit_days = 20
    promised_limit_days = 5
    visits_required = 0
    online_depth = 4
    handling_forms = factory.LazyFunction(lambda: ["online", "window"])
    delivery_modes = factory.LazyFunction(lambda: ["window", "mail"])
    result_name = "测试许可证"
    result_type = "certificate"

    @factory.post_generation
    def with_guide(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A legal basis, one condition, a situation (own / rent) and three materials."""
        if extracted is False:
            return
        basis = LegalBasis.objects.create(item=self, key="law", law="测试条例", article="第一条")
        Condition.objects.create(item=self, text="具有固定经营场所", legal_basis=basis)
        situation = Situation.objects.create(item=self, code="premises", question="经营场所")
        own = SituationOption.objects.create(situation=situation, code="own", label="自有房产")
        rent = SituationOption.objects.create(
            situation=situation, code="rent", label="租赁房屋", order=1
        )
        Material.objects.create(item=self, name="申请书", originals=1)
        Material.objects.create(
            item=self,
            name="不动产权证书",
            requirement="conditional",
            source="shared_resource",
            source_ref="res.real_estate",
            order=1,
        ).applies_when.set([own])
        Material.objects.create(
            item=self, name="房屋租赁合同", requirement="conditional", copies=1, order=2
        ).applies_when.set([rent])


def shared_resource(
    code: str,
    *,
    provider: Department,
    consumer: Department | None = None,
    subject_kind: str = "person",
    sharing_class: str = "conditional",
    fields: tuple[tuple[str, str, str], ...] = (
        ("certificate_no", "证书号", "none"),
        ("owner", "权利人", "name"),
        ("location", "坐落", "address"),
    ),
    records: dict[str, dict[str, Any]] | None = None,
    **attrs: Any,
) -> DataResource:
    """A resource of the built-in provider with its fields, an approved grant to `consumer`
    (all fields) and registry records keyed by subject."""
    resource = DataResource.objects.create(
        code=code,
        name=attrs.pop("name", f"测试资源{code}"),
        provider=provider,
        sharing_class=sharing_class,
        subject_kind=subject_kind,
        **attrs,
    )
    for order, (field_code, label, mask) in enumerate(fields):
        ResourceField.objects.create(
            resource=resource, code=field_code, label=label, mask=mask, order=order
        )
    if consumer is not None:
        AccessGrant.objects.create(
            resource=resource,
            consumer=consumer,
            purpose="测试授权",
            fields=[f[0] for f in fields],
            state=AccessGrant.State.APPROVED,
            valid_until=timezone.localdate() + dt.timedelta(days=365),
            requested_by=UserFactory(username=f"grant-requester-{code}"),
        )
    for key, data in (records or {}).items():
        RegistryRecord.objects.create(resource=resource, subject_key=key, data=data)
    return resource
