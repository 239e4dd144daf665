"""The figure (materials needed vs provided by applicants, from real cases) and the steward's
review of access volume."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tongban.cases.models import CaseMaterial, CaseState
from tongban.exchange.models import AccessLog, DataResource
from tongban.exchange.selectors import UNUSUAL_MIN_COUNT, access_review


@pytest.mark.usefixtures("demo_city_with_cases")
def test_the_stats_endpoint_computes_the_reduction_from_the_cases(client: Any) -> None:
    stats = client.get("/api/analytics/materials").json()
    city = stats["city"]
    submitted = CaseMaterial.objects.exclude(case__state=CaseState.DRAFT)
    resolved = submitted.filter(status="resolved").count()
    by_applicant = submitted.filter(status__in=["provided", "needs_correction"]).count()
    assert city["resolved_by_platform"] == resolved
    assert city["provided_by_applicant"] == by_applicant
    assert city["required"] == resolved + by_applicant
    assert city["reduction"] == pytest.approx(resolved / (resolved + by_applicant), abs=1e-4)
    # The demo city shows the article's effect for enterprises: about half.
    enterprise = stats["by_audience"]["enterprise"]
    assert 0.4 <= enterprise["reduction"] <= 0.6
    assert sum(i["required"] for i in stats["by_item"].values()) == city["required"]
    assert stats["by_life_event"]["open-shop"]["cases"] > 0


@pytest.mark.usefixtures("demo_city")
def test_a_material_the_exchange_could_not_fetch_counts_as_provided(client: Any) -> None:
    from tongban.accounts.models import User
    from tongban.cases.services.submission import case_save_draft, case_submit
    from tongban.catalog.models import ServiceItem
    from tongban.demo.exchange_seed import PDF

    zhangsan = User.objects.get(username="zhangsan")
    item = ServiceItem.objects.get(name__startswith="出版物零售", state="published")
    DataResource.objects.filter(code="res.real_estate").update(active=False)
    case = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        idempotency_key="k",
        enterprise=zhangsan.enterprises.first(),
        situations={"premises": "own"},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {
        row.material_id: SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
        for row in case.materials.filter(status="unavailable")
    }
    # The application form is filled online: it is its material, provided by the applicant.
    import random

    from tongban.forms.services import item_form
    from tongban.forms.synthetic import fill_form

    form = fill_form(item_form(item), case.situations, {}, random.Random(1))  # noqa: S311
    case_submit(case=case, actor=zhangsan, files=files, form_data=form)
    city = client.get("/api/analytics/materials").json()["city"]
    # 营业执照 and the ID fetched; 产权证明 (resource off) uploaded and the form filled.
    assert (city["resolved_by_platform"], city["provided_by_applicant"]) == (2, 2)


def test_an_unusual_day_stands_out_against_the_departments_own_mean(
    population: DataResource, department: Any
) -> None:
    today = timezone.now()
    rows = []
    for day in range(1, 8):  # a steady 3 a day for a week …
        rows += [today - dt.timedelta(days=day)] * 3
    rows += [today] * (UNUSUAL_MIN_COUNT + 5)  # … then a burst today
    for at in rows:
        entry = AccessLog.objects.create(
            actor_label="测试",
            consumer=department,
            resource=population,
            purpose="核验",
            subject_digest="x",
            subject_masked="x",
            result="ok",
        )
        AccessLog.objects.filter(pk=entry.pk).update(at=at)
    [volume] = access_review(days=14)
    assert volume.total == len(rows)
    assert [day for day, _, _ in volume.unusual] == [timezone.localdate()]


@pytest.mark.usefixtures("demo_city_with_cases")
def test_the_overview_page_shows_the_figure_to_managers_only(client: Any) -> None:
    from tongban.accounts.models import User

    client.force_login(User.objects.get(username="steward"))
    page = client.get("/manage/overview/").content.decode()
    stats = client.get("/api/analytics/materials").json()
    assert f"{round(stats['city']['reduction'] * 100)}%" in page
    assert 'href="/manage/exchange/"' in page  # the steward's navigation
    client.force_login(User.objects.get(username="zhangsan"))
    assert client.get("/manage/overview/").status_code == 403
    home = client.get("/").content.decode()
    assert 'href="/manage/exchange/"' not in home and 'href="/manage/overview/"' not in home
    assert 'href="/me/data-access/"' in home


def test_the_sweep_forgets_nonces_outside_the_signature_window(db: None) -> None:
    from tongban.exchange.models import SeenNonce
    from tongban.exchange.services.remote import nonces_prune

    old = SeenNonce.objects.create(key_id="k", nonce="old")
    SeenNonce.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(minutes=11))
    SeenNonce.objects.create(key_id="k", nonce="fresh")
    assert nonces_prune() == 1
    assert list(SeenNonce.objects.values_list("nonce", flat=True)) == ["fresh"]
