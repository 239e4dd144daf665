"""Creating people: validated identifiers, strong passwords, roles, all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.accounts.models import Department, Role, User
from tongban.accounts.services import enterprise_register, user_create
from tongban.core.audit import audit_verify
from tongban.core.models import AuditRecord
from tongban.core.synthetic import make_id_number, make_uscc

GOOD_ID = make_id_number("610102", dt.date(1990, 4, 1), 12)


def test_it_creates_a_citizen_with_an_argon2_password_and_an_audit_record(db: None) -> None:
    user = user_create(
        username="zhangsan",
        password="a-long-enough-passphrase",
        real_name="张三",
        id_number=GOOD_ID.lower(),
        phone="13800001234",
    )
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.id_number == GOOD_ID.upper()
    assert user.has_role(Role.APPLICANT)
    record = AuditRecord.objects.get(action="user.create")
    assert record.object_id == str(user.pk)
    # The audit log itself never holds the full ID number.
    assert GOOD_ID not in str(record.changes)
    assert audit_verify().ok


def test_it_rejects_a_bad_id_number_naming_the_field_and_saves_nothing(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(
            username="lisi",
            password="a-long-enough-passphrase",
            real_name="李四",
            id_number=GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"),
        )
    assert "校验位" in caught.value.message_dict["id_number"][0]
    assert not User.objects.filter(username="lisi").exists()
    assert not AuditRecord.objects.exists()


def test_it_rejects_a_password_shorter_than_twelve_characters(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(username="lisi", password="short-pw1", real_name="李四")
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="lisi").exists()


def test_staff_roles_need_a_department(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(
            username="clerk2",
            password="a-long-enough-passphrase",
            real_name="窗口",
            roles=[Role.CLERK],
        )
    assert "department" in caught.value.message_dict


def test_an_unknown_role_is_refused(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(
            username="x1", password="a-long-enough-passphrase", real_name="某", roles=["king"]
        )
    assert "未知角色" in caught.value.message_dict["roles"][0]


def test_it_registers_an_enterprise_with_a_valid_credit_code(
    zhangsan: User, department: Department
) -> None:
    enterprise = enterprise_register(
        name="西安某某书店有限公司",
        uscc=make_uscc("91", "610102", 31415926).lower(),
        legal_representative="张三",
        region_code="610102",
        handler=zhangsan,
    )
    assert enterprise.uscc == make_uscc("91", "610102", 31415926)
    assert list(zhangsan.enterprises.all()) == [enterprise]
    with pytest.raises(ValidationError) as caught:
        enterprise_register(
            name="另一家",
            uscc="91610102123456789A",
            legal_representative="李四",
            region_code="610102",
        )
    assert "uscc" in caught.value.message_dict
