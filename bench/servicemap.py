"""The service-map benchmark (part of `make bench`, also `make bench-servicemap`): the
15-minute coverage of the whole demo city at 100 m cells. Goal: < 2 s on this machine, for
the grid built cold and the coverage with three suggested new points. Also prints the
share within 15 minutes per district for any item, 社会保障卡申领 and 企业设立登记.

In process, on a throwaway SQLite (the computation does not touch the database beyond
reading the points once).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from inprocess import setup_sqlite  # noqa: E402

RUNS = 5
ITEMS = {"any item": None, "社会保障卡申领": "000203002000", "企业设立登记": "000105001000"}


def main() -> None:
    setup_sqlite(tempfile.mkdtemp(prefix="tb-bench-s-"))
    from tongban.demo.seed import demo_seed
    from tongban.servicemap.city import the_city
    from tongban.servicemap.coverage import CELL_M, build_grid, coverage
    from tongban.servicemap.selectors import active_points

    demo_seed(with_cases=False)
    points = list(active_points())
    city = the_city()
    cold, warm = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        grid = build_grid(city, CELL_M)
        built = time.perf_counter()
        result = coverage([p.lng_lat for p in points], grid=grid, suggest=3)
        done = time.perf_counter()
        cold.append(done - started)
        warm.append(done - built)
    cells = int((grid.district_of >= 0).sum())
    print(f"== 15-minute coverage, whole demo city at {CELL_M} m ==")
    print(f"  {cells:,} cells, {len(points)} service points")
    p50, worst = statistics.median(cold), max(cold)
    print(f"  grid built cold + coverage + 3 suggestions: p50 {p50:.2f} s, max {worst:.2f} s")
    print(f"  coverage + 3 suggestions on a built grid:   p50 {statistics.median(warm):.2f} s")
    goal = "met" if statistics.median(cold) < 2 else "NOT met"
    print(f"  goal < 2 s: {goal}")
    for label, code in ITEMS.items():
        chosen = [p.lng_lat for p in points if code is None or p.handles(code)]
        result = coverage(chosen, grid=grid, suggest=3)
        share = f"{result.share:.1%}" if result.share is not None else "—"
        counted = f"{result.population:,}"
        print(f"  {label}: {len(chosen)} points, {share} of {counted} counted people in 15 min")
        for d in result.districts:
            if d.population:
                print(f"    {d.district.name}: {d.share:.1%} of {d.population:,}")
        missing = [d.district.name for d in result.districts if not d.population]
        if missing:
            print(f"    (no checked census figure yet: {'、'.join(missing)})")
        for s in result.suggestions:
            where = city.district(s.district)
            name = where.name if where else s.district
            print(f"    suggest ({s.lng:.4f}, {s.lat:.4f}) in {name}: +{s.gained:,} people")


if __name__ == "__main__":
    main()
