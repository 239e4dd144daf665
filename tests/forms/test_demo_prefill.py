"""Prefill what the platform knows (issue 19, part 1): in the demo city, 张三's food licence
form gets 性别 and 住址 from 户籍 (the grant gives those fields in clear for forms) and the
premises address from the enterprise he applies for; each value names its source."""

from __future__ import annotations

import pytest

from tongban.accounts.models import User
from tongban.cases.services.forms import case_form_prefill
from tongban.cases.services.submission import case_save_draft
from tongban.catalog.models import ServiceItem
from tongban.core.ids import id_number_sex
from tongban.exchange.models import RegistryRecord


@pytest.mark.django_db
def test_sex_address_and_premises_are_prefilled(demo_city: None) -> None:
    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(state="published", name="食品经营许可")
    enterprise = zhangsan.enterprises.first()
    assert enterprise is not None
    draft = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=enterprise,
        idempotency_key="prefill",
        situations={"premises": "rent"},
    )
    case = case_form_prefill(case=draft, actor=zhangsan)
    household = RegistryRecord.objects.get(
        resource__code="res.population", subject_key=zhangsan.id_number
    ).data
    assert case.form_data["contact_sex"] == household["sex"]
    assert household["sex"] == ("男" if id_number_sex(str(zhangsan.id_number)) == "M" else "女")
    assert case.form_data["contact_address"] == household["address"]
    assert case.form_prefill["contact_address"]["source"] == "exchange"
    assert case.form_data["premises_address"] == enterprise.address
    assert case.form_prefill["premises_address"]["editable"] is True
