"""The 15-minute circle computed: a population grid spread from census totals, the people
within reach of the points, the gaps, and greedy new sites whose gains add up."""

from __future__ import annotations

import pytest

from tongban.servicemap.city import _load
from tongban.servicemap.coverage import build_grid, coverage, reach_m

# A small city: two districts of about 10 × 10 km side by side, 100,000 and 50,000 people,
# and a third without a checked census figure.
TOWN = """
city: {code: "999900", name: 测试市}
outline: [[108.90, 34.20], [109.23, 34.20], [109.23, 34.29], [108.90, 34.29]]
districts:
  - {code: "999901", name: 西区, seat: [108.95, 34.245], area_km2: 100, population: 100000}
  - {code: "999902", name: 东区, seat: [109.06, 34.245], area_km2: 100, population: 50000}
  - {code: "999903", name: 新区, seat: [109.18, 34.245], area_km2: 100}
"""


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return build_grid(_load(TOWN), 100)


def test_the_grid_spreads_each_census_total_over_its_district(grid) -> None:  # type: ignore[no-untyped-def]
    assert round(grid.population.sum()) == 150_000
    west = grid.district_of == 0
    assert round(grid.population[west].sum()) == 100_000
    assert grid.population[grid.district_of == 2].sum() == 0  # no checked figure, no one
    assert (grid.district_of >= 0).sum() > 0.95 * grid.district_of.size


def test_nobody_is_reached_without_points(grid) -> None:  # type: ignore[no-untyped-def]
    result = coverage([], grid=grid)
    assert result.covered_population == 0 and result.share == 0
    assert result.gaps and result.gaps[0].population > 0


def test_one_point_reaches_a_disk_of_its_district(grid) -> None:  # type: ignore[no-untyped-def]
    result = coverage([(108.95, 34.245)], grid=grid)
    west = result.districts[0]
    disk_km2 = 3.14159 * (reach_m() / 1000) ** 2
    density = 100_000 / (grid.district_of == 0).sum() * 100  # people per km² (100 cells)
    assert west.covered == pytest.approx(disk_km2 * density, rel=0.05)
    assert result.districts[1].covered == 0
    assert result.districts[2].share is None  # no census figure: no share, not 0 %


def test_a_longer_walk_reaches_more(grid) -> None:  # type: ignore[no-untyped-def]
    short = coverage([(108.95, 34.245)], grid=grid, minutes=10).covered_population
    long = coverage([(108.95, 34.245)], grid=grid, minutes=20).covered_population
    assert short < long


def test_greedy_sites_reach_what_they_promise(grid) -> None:  # type: ignore[no-untyped-def]
    points = [(108.95, 34.245)]
    result = coverage(points, grid=grid, suggest=4)
    gains = [s.gained for s in result.suggestions]
    assert len(gains) == 4
    assert gains == sorted(gains, reverse=True)
    # The denser west is served first.
    assert result.suggestions[0].district == "999901"
    again = coverage(points + [(s.lng, s.lat) for s in result.suggestions], grid=grid)
    assert again.covered_population - result.covered_population == pytest.approx(
        sum(gains), rel=0.02
    )


def test_a_point_outside_the_city_reaches_nobody(grid) -> None:  # type: ignore[no-untyped-def]
    assert coverage([(120.0, 30.0)], grid=grid).covered_population == 0
