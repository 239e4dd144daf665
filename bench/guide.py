"""The guide benchmark (part of `make bench`, also `make bench-guide`): how well and how fast
数小二's search answers.

- Accuracy over the evaluation set (tests/guide/queries.yaml: colloquial queries with their
  right items or bundles): top-1 (goal ≥ 75 %) and top-3 (goal ≥ 90 %), on the demo
  catalogue, and again with the catalogue grown to 2,000 items.
- Latency of GET /api/guide/search (each query of the set in turn, over HTTP, logged as in
  production) against the bare view /healthz in the same run: p50 goal < 30 ms with the demo
  catalogue and < 50 ms with 2,000 items, both stated for a bare view of about 1,300 req/s
  and scaled by this run's bare view.

The 2,000 items are synthetic but read like a provincial catalogue: each a domain (道路运输
经营, 排污许可, 护照…) with an action (设立, 变更, 注销…) in one of Xi'an's districts, with the
demo items' materials. On SQLite and on a throwaway PostgreSQL (bench/pg.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from loadgen import Result, free_port, get_builder, measure  # noqa: E402
from pg import bench_databases, postgres_url  # noqa: E402
from run import _shell, _wait_until_up, gunicorn  # noqa: E402

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
BIN = Path(sys.executable).parent
QUERIES = ROOT / "tests" / "guide" / "queries.yaml"
PROVINCIAL = 2000
REFERENCE_RPS = 1300  # the bare view the absolute goals assume

SEED = """
from tongban.demo.seed import demo_catalogue_seed, demo_departments_seed
demo_departments_seed()
demo_catalogue_seed()
print("SEEDED=ok")
"""

ACCURACY = """
import json, time, yaml
from tongban.guide.index import current_index
from tongban.guide.text import normalise
started = time.perf_counter()
index = current_index()
built = time.perf_counter() - started
rows = yaml.safe_load(open(%(path)r, encoding="utf-8"))["queries"]
top1 = top3 = 0
for row in rows:
    hits = index.search(normalise(row["q"]), limit=3)
    keys = [h.doc.basic_code if h.doc.kind == "item" else h.doc.code for h in hits]
    top1 += bool(keys and keys[0] in row["expect"])
    top3 += bool(set(keys) & set(row["expect"]))
print("ACCURACY=" + json.dumps({"n": len(rows), "top1": top1, "top3": top3,
      "docs": len(index.docs), "build_s": built}))
"""

GROW = """
import json, random, yaml
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import catalog_import
from tongban.demo.seed import demo_catalog_text
domains = %(domains)r
actions = %(actions)r
districts = %(districts)r
base = yaml.safe_load(demo_catalog_text())["items"]
rng = random.Random(2021)
have = ServiceItem.objects.filter(state="published").count()
names = set()
items = []
while len(items) < %(total)d - have:
    name = f"{rng.choice(districts)}{rng.choice(domains)}{rng.choice(actions)}"
    if name in names:
        continue
    names.add(name)
    item = dict(base[len(items) %% len(base)])
    item.update(basic_code=f"8{len(items):011d}", name=name, name_en="", aliases=[],
                summary=f"{name}的受理、审查与决定。", life_events=[])
    item.pop("code", None)
    items.append(item)
for start in range(0, len(items), 250):
    catalog_import(text=yaml.safe_dump({"items": items[start:start + 250]}, allow_unicode=True))
print("GROWN=" + str(ServiceItem.objects.filter(state="published").count()))
"""

VOCABULARY = yaml.safe_load((HERE / "provincial_vocabulary.yaml").read_text("utf-8"))


def _accuracy(env: dict[str, str]) -> dict[str, float]:
    return dict(json.loads(_shell(env, ACCURACY % {"path": str(QUERIES)}, "ACCURACY=")))


def _grow(env: dict[str, str]) -> int:
    script = GROW % {
        "domains": VOCABULARY["domains"],
        "actions": VOCABULARY["actions"],
        "districts": VOCABULARY["districts"],
        "total": PROVINCIAL,
    }
    return int(_shell(env, script, "GROWN="))


def _measure(host: str, port: int, paths: list[str]) -> tuple[Result, Result]:
    def run(name: str, build: object, **kw: object) -> Result:
        return measure(name, host, port, build, concurrency=CONCURRENCY, seconds=SECONDS, **kw)  # type: ignore[arg-type]

    bare = run("baseline /healthz", get_builder(host, port, ["/healthz"]))
    search = run("GET /api/guide/search?q=…", get_builder(host, port, paths), warmup_requests=1)
    return bare, search


def bench_database(label: str, env: dict[str, str]) -> None:
    subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
    _shell(env, SEED, "SEEDED=")
    queries = yaml.safe_load(QUERIES.read_text("utf-8"))["queries"]
    paths = [f"/api/guide/search?q={quote(row['q'])}" for row in queries]
    port = free_port()
    server = gunicorn(env, port)
    try:
        _wait_until_up(port)
        for size, goal_ms in (("demo", 30.0), ("provincial", 50.0)):
            if size == "provincial":
                grown = _grow(env)
                print(f"  catalogue grown to {grown} published items", flush=True)
            accuracy = _accuracy(env)
            bare, search = _measure("127.0.0.1", port, paths)
            scaled = goal_ms * REFERENCE_RPS / bare.rps if bare.rps else goal_ms
            n = accuracy["n"]
            top1, top3 = accuracy["top1"] / n, accuracy["top3"] / n
            print(
                f"[{label}] {size} catalogue: {accuracy['docs']} documents "
                f"(index built in {accuracy['build_s']:.2f} s)"
            )
            print(
                f"  accuracy over {n} queries: top-1 {top1:.1%} (goal ≥75%: "
                f"{'met' if top1 >= 0.75 else 'NOT met'}), top-3 {top3:.1%} (goal ≥90%: "
                f"{'met' if top3 >= 0.90 else 'NOT met'})"
            )
            print(f"  bare view /healthz: {bare.rps:7.0f} req/s, p50 {bare.p50_ms:.1f} ms")
            print(
                f"  search API: {search.rps:7.0f} req/s ({search.rps / bare.rps:.0%} of bare), "
                f"p50 {search.p50_ms:.1f} ms, p99 {search.p99_ms:.1f} ms, errors {search.errors}"
            )
            met = search.p50_ms < scaled and not search.errors
            print(
                f"  goal p50 < {goal_ms:.0f} ms at {REFERENCE_RPS} req/s bare = "
                f"< {scaled:.1f} ms here: {'met' if met else 'NOT met'}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    with postgres_url() as pg_url:
        for label, extra in bench_databases(pg_url):
            env = {
                **os.environ,
                "TONGBAN_DATA_DIR": tempfile.mkdtemp(prefix="tb-bench-g-"),
                "TONGBAN_LOG_LEVEL": "WARNING",
            }
            env.pop("DATABASE_URL", None)
            env.update(extra)
            print(f"== guide search ({label}) ==", flush=True)
            bench_database(label, env)


if __name__ == "__main__":
    main()
