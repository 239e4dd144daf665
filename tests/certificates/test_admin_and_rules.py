"""Admin for certificate types and revocation; numbering rules (property tests)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import UserFactory
from tongban.accounts.models import Role
from tongban.cases.models import Case
from tongban.certificates.models import Certificate, CertificateType
from tongban.certificates.numbering import number_checks, number_format, pattern_problems
from tongban.exchange.models import DataResource

FOOD = "JY1{region}{seq:06d}{check}"


@given(
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    seq=st.integers(min_value=1, max_value=999_999),
)
def test_numbers_carry_a_check_digit_that_catches_one_changed_digit(region: str, seq: int) -> None:
    number = number_format(FOOD, region=region, year=2026, seq=seq)
    assert len(number) == 16 and number.startswith(f"JY1{region}")
    assert number_checks(FOOD, number)
    for position in range(2, 15):
        digit = number[position]
        changed = number[:position] + str((int(digit) + 1) % 10) + number[position + 1 :]
        assert not number_checks(FOOD, changed)


@given(a=st.integers(1, 10**6 - 1), b=st.integers(1, 10**6 - 1))
def test_different_sequences_give_different_numbers(a: int, b: int) -> None:
    first = number_format(FOOD, region="610100", year=2026, seq=a)
    second = number_format(FOOD, region="610100", year=2026, seq=b)
    assert (first == second) == (a == b)


def test_bad_numbering_rules_are_named() -> None:
    assert pattern_problems("JY{seq:06d}") == []
    assert "编号规则须包含顺序号 {seq}" in pattern_problems("JY{region}")
    assert any("未知占位符" in p for p in pattern_problems("{seq}{month}"))
    assert any("只能在编号末尾" in p for p in pattern_problems("{check}{seq}"))
    assert pattern_problems("{seq") == ["编号规则格式错误（花括号不成对）"]


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_type_and_publishes_a_good_one(
    licence_type: CertificateType,
) -> None:
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = f"/admin/certificates/certificatetype/{licence_type.pk}/change/"
    form = {
        "code": "food_business",
        "name": "食品经营许可证",
        "template": "permit",
        "items": json.dumps(licence_type.items),
        "resource_code": "cert.food_business",
        "holder_kind": "person",
        "number_pattern": "JY{region}",
        "validity_years": 5,
        "fields": json.dumps([{"code": "x", "label": "经营者", "source": "nowhere.x"}]),
        "active": "on",
    }
    page = client.post(url, form).content.decode()
    assert "编号规则须包含顺序号 {seq}" in page and "来源无法识别" in page
    form["number_pattern"] = FOOD
    form["fields"] = json.dumps(
        [{"code": "name", "label": "经营者", "source": "applicant.real_name"}]
    )
    assert client.post(url, form).status_code == 302
    resource = DataResource.objects.get(code="cert.food_business")
    assert resource.provider_plugin == "certificates"
    assert list(resource.fields.values_list("code", flat=True))[-1] == "name"


def test_revoking_from_the_admin_needs_a_reason(issued: Case) -> None:
    certificate = Certificate.objects.get(case=issued)
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = "/admin/certificates/certificate/"
    body = {"action": "revoke", "_selected_action": [certificate.pk]}
    page = client.post(url, body).content.decode()
    assert "撤销原因" in page and certificate.number in page
    client.post(url, {**body, "reason": "许可被依法撤销"})
    certificate.refresh_from_db()
    assert certificate.state == "revoked" and certificate.revoked_reason == "许可被依法撤销"


@pytest.mark.django_db
def test_a_rule_without_the_year_never_repeats_a_number_across_years(
    licence_type: CertificateType,
) -> None:
    """The food licence's rule shows no year: December's and January's numbers are one
    sequence (a per-year counter would give 2026's first licence 2025's first number)."""
    from django.db import transaction

    from tongban.certificates.numbering import number_next

    with transaction.atomic():
        december = [number_next(licence_type, year=2025, region="610100") for _ in range(2)]
        january = number_next(licence_type, year=2026, region="610100")
    assert len({*december, january}) == 3
    assert january[9:15] == "000003"
