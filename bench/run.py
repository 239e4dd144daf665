"""`make bench`: the guide page and the catalog API against a bare Django view, same run.

Seeds a throwaway SQLite city with 200 published items, starts gunicorn (one process, threads),
drives it over loopback with a keep-alive load generator, and prints throughput and latency as
ratios against the bare view (/healthz: the same settings and middleware, no work). Absolute
numbers depend on the machine; the ratios are what we compare between runs.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from loadgen import Result, measure  # noqa: E402

ITEMS = 200
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(env: dict[str, str]) -> list[str]:
    """Migrate, seed the demo city, top the catalog up to ITEMS published items."""
    script = f"""
import yaml
from tongban.demo.seed import demo_seed, demo_catalog_text
from tongban.catalog.services import catalog_import
from tongban.catalog.models import ServiceItem
demo_seed()
doc = yaml.safe_load(demo_catalog_text())
base = doc["items"]
have = ServiceItem.objects.filter(state="published").count()
extra = []
for n in range({ITEMS} - have):
    item = dict(base[n % len(base)])
    item["basic_code"] = f"9{{n:011d}}"
    item["name"] = f"{{item['name']}}（压测{{n}}）"
    extra.append(item)
catalog_import(text=yaml.safe_dump({{"items": extra}}, allow_unicode=True))
codes = list(ServiceItem.objects.filter(state="published").values_list("code", flat=True))
print("CODES=" + ",".join(codes))
"""
    subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
    out = subprocess.run(
        [BIN / "tongban", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(part for part in out.splitlines() if part.startswith("CODES="))
    return line.removeprefix("CODES=").split(",")


def _wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="tongban-bench-")
    env = {**os.environ, "TONGBAN_DATA_DIR": data_dir, "TONGBAN_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    print(f"seeding {ITEMS} items into {data_dir} …", flush=True)
    codes = _seed(env)
    assert len(codes) >= ITEMS, len(codes)
    port = _free_port()
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "tongban.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            # One process: the load generator needs the other core, and with one process
            # keep-alive connections cannot pile onto one worker of several (bimodal results).
            "--workers",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_until_up(port)
        guide = [f"/guide/items/{code}/" for code in codes]
        detail = [f"/api/catalog/items/{code}" for code in codes]
        listing = [f"/api/catalog/items?limit=20&offset={n}" for n in range(0, ITEMS, 20)]

        def run(name: str, paths: list[str], headers: dict[str, str] | None = None) -> Result:
            return measure(
                name,
                "127.0.0.1",
                port,
                paths,
                concurrency=CONCURRENCY,
                seconds=SECONDS,
                headers=headers,
            )

        # The baseline runs before and after, so drift on a noisy machine shows.
        results = [
            run("baseline /healthz (before)", ["/healthz"]),
            run("guide page /guide/items/<code>/", guide),
            run("catalog API /api/catalog/items/<code>", detail),
            run("catalog API /api/catalog/items?limit=20", listing),
            # A session cookie turns the version cache off: the signed-in (cold) path.
            run("guide page, uncached (session cookie)", guide, {"Cookie": "sessionid=bench"}),
            run("baseline /healthz (after)", ["/healthz"]),
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)
    _report(results)


def _report(results: list[Result]) -> None:
    baseline_rps = (results[0].rps + results[-1].rps) / 2
    print(f"\n{ITEMS} items, {CONCURRENCY} keep-alive clients, {SECONDS:.0f}s per endpoint")
    header = f"{'endpoint':<44}{'req/s':>9}{'vs bare':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(header)
    print("-" * len(header))
    rows = []
    for r in results:
        ratio = r.rps / baseline_rps if baseline_rps else 0.0
        print(
            f"{r.name:<44}{r.rps:>9.0f}{ratio:>8.0%} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}{r.errors:>8}"
        )
        rows.append({**r.__dict__, "rps": r.rps, "ratio_to_baseline": ratio})
    print(
        f"\nbaseline drift (after/before): {results[-1].rps / results[0].rps:.0%}"
        if results[0].rps
        else ""
    )
    print("goals: ≥ 50% of the bare view's throughput, p99 < 50 ms")
    for r in results[1:4]:
        ratio = r.rps / baseline_rps if baseline_rps else 0.0
        verdict = "met" if ratio >= 0.5 and r.p99_ms < 50 and not r.errors else "NOT met"
        print(f"  {r.name}: {verdict} ({ratio:.0%}, p99 {r.p99_ms:.1f} ms)")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"catalog-{stamp}.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
