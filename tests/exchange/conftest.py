"""Fixtures for the exchange: the public security bureau provides 户籍信息 (population) to the
market regulator (the `department` fixture), whose reviewer queries it."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, UserFactory, shared_resource
from tongban.accounts.models import Department, Role, User
from tongban.exchange.models import DataResource

POPULATION_FIELDS = (
    ("name", "姓名", "name"),
    ("id_number", "公民身份号码", "id_number"),
    ("address", "户籍地址", "address"),
    ("ethnicity", "民族", "hidden"),
)


@pytest.fixture
def police(db: None) -> Department:
    return DepartmentFactory(code="gaj", name="测试市公安局", short_name="公安")


@pytest.fixture
def police_steward(police: Department) -> User:
    return UserFactory(
        username="steward-gaj", real_name="郑数据", department=police, roles=[Role.DATA_STEWARD]
    )


@pytest.fixture
def population(police: Department, department: Department, zhangsan: User) -> DataResource:
    """Granted to the market regulator with every field; 张三 is on the register."""
    return shared_resource(
        "res.population",
        provider=police,
        consumer=department,
        name="户籍信息",
        fields=POPULATION_FIELDS,
        records={
            str(zhangsan.id_number): {
                "name": "张三",
                "id_number": zhangsan.id_number,
                "address": "陕西省西安市新城区示例路1号",
                "ethnicity": "汉族",
            }
        },
    )
