"""Staffing advice from queueing theory: the Erlang C (M/M/N) model.

With arrivals at λ per hour and a mean service time of s minutes (μ = 60 / s per hour per
window), the offered load is a = λ / μ erlangs. With N > a windows, the probability that an
arrival has to wait is C(N, a), and the mean wait is Wq = C(N, a) / (Nμ − λ). The advice is the
smallest N whose mean wait is within the hall's target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WINDOWS = 1000  # a safety stop; no hall category comes near it


def erlang_c(windows: int, load: float) -> float:
    """Probability of waiting, C(N, a); 1 when the queue is unstable (N ≤ a)."""
    if load <= 0:
        return 0.0
    if windows <= load:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for n in range(1, windows + 1):
        b = load * b / (n + load * b)
    return windows * b / (windows - load * (1 - b))


def mean_wait_minutes(windows: int, arrivals_per_hour: float, service_minutes: float) -> float:
    """Wq in minutes; infinite when the windows cannot keep up. A service time of zero (older
    data; it is refused on save now) is no load: any open window keeps up."""
    if arrivals_per_hour <= 0:
        return 0.0
    if service_minutes <= 0:
        return 0.0 if windows >= 1 else math.inf
    mu = 60.0 / service_minutes
    load = arrivals_per_hour / mu
    if windows <= load:
        return math.inf
    return erlang_c(windows, load) / (windows * mu - arrivals_per_hour) * 60.0


@dataclass(frozen=True)
class Advice:
    windows: int
    mean_wait_minutes: float
    load: float


def windows_needed(
    arrivals_per_hour: float, service_minutes: float, target_minutes: float
) -> Advice:
    """The fewest windows whose mean wait is within the target (at least one)."""
    if arrivals_per_hour <= 0:
        return Advice(windows=0, mean_wait_minutes=0.0, load=0.0)
    if service_minutes <= 0:
        return Advice(windows=1, mean_wait_minutes=0.0, load=0.0)
    load = arrivals_per_hour * service_minutes / 60.0
    n = max(1, math.floor(load) + 1)
    while n < MAX_WINDOWS:
        wait = mean_wait_minutes(n, arrivals_per_hour, service_minutes)
        if wait <= target_minutes:
            return Advice(windows=n, mean_wait_minutes=wait, load=load)
        n += 1
    return Advice(
        windows=MAX_WINDOWS,
        mean_wait_minutes=mean_wait_minutes(MAX_WINDOWS, arrivals_per_hour, service_minutes),
        load=load,
    )
