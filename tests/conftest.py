"""Shared fixtures: named demo people (张三, a clerk, a reviewer, …) and a demo catalog."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, UserFactory
from tongban.accounts.models import Department, Role, User


@pytest.fixture
def department(db: None) -> Department:
    return DepartmentFactory(code="scjg", name="测试市市场监督管理局", short_name="市场监管")


@pytest.fixture
def zhangsan(db: None) -> User:
    """A citizen applicant."""
    return UserFactory(username="zhangsan", real_name="张三", roles=[Role.APPLICANT])


@pytest.fixture
def clerk(department: Department) -> User:
    return UserFactory(
        username="clerk", real_name="赵窗口", department=department, roles=[Role.CLERK]
    )


@pytest.fixture
def reviewer(department: Department) -> User:
    return UserFactory(
        username="reviewer", real_name="钱审批", department=department, roles=[Role.REVIEWER]
    )


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(username="manager", real_name="孙大厅", roles=[Role.HALL_MANAGER])


@pytest.fixture
def steward(department: Department) -> User:
    return UserFactory(
        username="steward", real_name="周数据", department=department, roles=[Role.DATA_STEWARD]
    )


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory(username="wangwu", real_name="王五", roles=[Role.AGENT])


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(username="admin", real_name="吴管理", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def demo_city(db: None) -> None:
    """The demo city (departments, people, 47 items, the exchange), without its applications."""
    from tongban.demo.seed import demo_seed

    demo_seed(with_cases=False)


@pytest.fixture
def demo_city_with_cases(db: None) -> None:
    """The full demo city as `make demo` seeds it, with its 60 applications."""
    from tongban.demo.seed import demo_seed

    demo_seed()


@pytest.fixture(autouse=True, scope="session")
def _no_hall_event_poller() -> None:
    """Same-process announcements wake the boards in tests; no background poller."""
    from tongban.hall.live import hub

    hub.polling = False


@pytest.fixture(autouse=True)
def _fresh_local_cache() -> None:
    """Rolled-back test databases reuse primary keys; cached renders must not leak across."""
    from django.core.cache import cache

    from tongban.core.cache import cache_clear
    from tongban.guide.index import forget_index

    cache_clear()
    forget_index()
    cache.clear()  # rate limits and failure counts start from nothing in each test


@pytest.fixture
def lisi(db: None) -> User:
    """Another citizen applicant."""
    return UserFactory(username="lisi", real_name="李四", roles=[Role.APPLICANT])


@pytest.fixture(autouse=True)
def _sms_to_a_temporary_log(tmp_path: object) -> object:
    """Each test's SMS go to its own log file, not the project's var/."""
    from pathlib import Path

    from tongban.notify.channels import SmsChannel, channels
    from tongban.notify.contrib.log_sms import LogSmsGateway

    gateway = LogSmsGateway(Path(str(tmp_path)) / "sms.log")
    previous = channels.get("sms")
    channels.register("sms", SmsChannel(gateway), replace=True)
    yield gateway
    channels.register("sms", previous, replace=True)
