"""Erlang C: known values, and properties of the advice for any arrival rate and service time."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from tongban.hall.models import Hall, QueueCategory
from tongban.hall.staffing import erlang_c, mean_wait_minutes, windows_needed


def test_known_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: the utilisation
    # 6 arrivals an hour, 10 minutes each, two windows: Wq = (1/3) / (12 − 6) h = 3⅓ min.
    assert mean_wait_minutes(2, 6, 10) == pytest.approx(10 / 3)
    assert math.isinf(mean_wait_minutes(5, 30, 10))  # load 5 on 5 windows never clears
    advice = windows_needed(30, 10, 15)
    assert advice.windows == 6 and advice.mean_wait_minutes < 15
    assert windows_needed(0, 10, 15).windows == 0


rates = st.floats(min_value=0.5, max_value=400, allow_nan=False)
services = st.floats(min_value=1, max_value=60, allow_nan=False)
targets = st.floats(min_value=0.5, max_value=60, allow_nan=False)


@given(rates, services, targets)
def test_the_advice_is_the_fewest_windows_meeting_the_target(
    rate: float, service: float, target: float
) -> None:
    advice = windows_needed(rate, service, target)
    load = rate * service / 60
    assert advice.windows > load
    assert mean_wait_minutes(advice.windows, rate, service) <= target
    fewer = advice.windows - 1
    if fewer >= 1:
        assert mean_wait_minutes(fewer, rate, service) > target


@given(rates, services, st.integers(min_value=1, max_value=60))
def test_more_windows_never_wait_longer(rate: float, service: float, windows: int) -> None:
    load = rate * service / 60
    c = erlang_c(windows, load)
    assert 0.0 <= c <= 1.0
    assert mean_wait_minutes(windows + 1, rate, service) <= mean_wait_minutes(
        windows, rate, service
    )


def test_a_zero_service_time_from_older_data_is_no_load_not_a_crash() -> None:
    assert windows_needed(12, 0, 15).windows == 1
    assert mean_wait_minutes(1, 12, 0) == 0.0
    assert math.isinf(mean_wait_minutes(0, 12, 0))


def test_a_category_without_a_service_time_is_refused_on_save(db: None) -> None:
    hall = Hall.objects.create(code="zero", name="零时长测试大厅", address="测试路1号")
    category = QueueCategory(hall=hall, letter="Z", name="测试", default_service_minutes=0)
    with pytest.raises(ValidationError) as refused:
        category.full_clean()
    assert "default_service_minutes" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        category.save()
