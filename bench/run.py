"""`make bench`: throughput and latency against a bare Django view measured in the same run.

For each database (the embedded SQLite, and PostgreSQL when BENCH_DATABASE_URL is set) it
seeds a throwaway city with 200 published items, starts gunicorn (one process, four threads:
the load generator needs the other core, and one process keeps keep-alive connections from
piling onto one worker of several), and drives it over loopback:

- the guide page and the catalog API (anonymous, cached per published version),
- the guide page uncached (a session cookie turns the version cache off),
- the bare view again with a signed-in session (what authentication alone costs),
- creating an application (JSON) and submitting it with one uploaded file (multipart),
- the floor under any submit (bench/floor_urls.py): a signed-in POST of the same upload that
  commits one row, alone and with its audit record; no submit can be faster than that,


each reported as requests/s and p50/p99 next to the bare view (/healthz: same settings and
middleware, no work). Absolute numbers depend on the machine; compare the ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from loadgen import Result, free_port, get_builder, measure, post_builder  # noqa: E402
from pg import bench_databases, postgres_url  # noqa: E402

ITEMS = 200
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
# BENCH_PARTS=read,write,floor (the default: all): the part a change touches.
PARTS = set(os.environ.get("BENCH_PARTS", "read,write,floor").split(","))
FLOOR_ROUNDS = int(os.environ.get("BENCH_FLOOR_ROUNDS", "5"))
FLOOR_SHARES: dict[str, list[float]] = {}
BIN = Path(sys.executable).parent
CSRF = "b" * 32  # a 32-character secret is a valid unmasked CSRF token

SEED = f"""
import yaml
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tongban.demo.seed import demo_seed, demo_catalog_text
from tongban.catalog.services import catalog_import
from tongban.catalog.models import ServiceItem
from tongban.accounts.models import User
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
applicant = User.objects.get(username="zhangsan")
from django.db import connection
from floor_urls import TABLE_SQL
with connection.cursor() as cursor:
    cursor.execute(TABLE_SQL)
session = SessionStore()
session[SESSION_KEY] = str(applicant.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = applicant.get_session_auth_hash()
session.save()
# An item with one upload and its licence fetched, and no online form (a form would be its
# own material, not an upload).
item = ServiceItem.objects.get(name="企业投资项目备案", state="published")
print("SEED=" + json.dumps({{"codes": codes, "session": session.session_key,
      "item": item.code, "material": item.materials.get(source="applicant").pk,
      "enterprise": applicant.enterprises.get(name="西安某某书店有限公司").uscc}}))
""".replace("import yaml", "import json, yaml", 1)

DRAFT_IDS = """
from tongban.cases.models import Case
print("DRAFTS=" + ",".join(str(pk) for pk in Case.objects.filter(state="draft").order_by("pk")
      .values_list("pk", flat=True)))
"""


def _shell(env: dict[str, str], script: str, marker: str) -> str:
    out = subprocess.run(
        [BIN / "tongban", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return next(p for p in out.splitlines() if p.startswith(marker)).removeprefix(marker)


def gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """One gunicorn process with four threads on loopback: the load generator needs the other
    core, and one process keeps keep-alive connections from piling onto one worker."""
    return subprocess.Popen(
        [
            BIN / "gunicorn",
            "tongban.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
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


def _wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _multipart(material: int) -> tuple[str, bytes]:
    boundary = "tongbanbench"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="situations"\r\n\r\n{{}}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="material_{material}"; '
        'filename="form.pdf"\r\nContent-Type: application/pdf\r\n\r\n',
    ]
    from tongban.core.synthetic import make_pdf  # a real one: uploads are parsed (pypdf)

    body = "".join(parts).encode() + make_pdf("synthetic bench form", pad_to=1240)
    body += f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def bench_database(label: str, env: dict[str, str]) -> list[Result]:
    print(f"[{label}] seeding {ITEMS} items …", flush=True)
    subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
    seed = json.loads(_shell(env, SEED, "SEED="))
    port = free_port()
    server = gunicorn({**env, "DJANGO_SETTINGS_MODULE": "floor_settings"}, port)
    host = "127.0.0.1"
    auth = {"Cookie": f"sessionid={seed['session']}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    try:
        _wait_until_up(port)

        def run(name: str, build: object, **kw: object) -> Result:
            return measure(name, host, port, build, concurrency=CONCURRENCY, seconds=SECONDS, **kw)  # type: ignore[arg-type]

        codes = seed["codes"]
        results = [run("baseline /healthz (before)", get_builder(host, port, ["/healthz"]))]
        if "read" in PARTS:
            results += _reads(run, host, port, codes, auth)
        if "write" in PARTS:
            results += _writes(run, env, label, host, port, seed, auth)
        if "floor" in PARTS:
            floors, FLOOR_SHARES[label] = _floors(
                run, host, port, _multipart(seed["material"]), auth
            )
            results += floors
        results.append(run("baseline /healthz (after)", get_builder(host, port, ["/healthz"])))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


Run = Callable[..., Result]

# The portal's most visited pages, as an anonymous visitor sees them (issue 24: ≥ 80 % of bare).
PORTAL_PAGES = [
    ("home page /", "/"),
    ("guide list /guide/", "/guide/"),
    ("bundle list /guide/bundles/", "/guide/bundles/"),
    ("hall list /hall/", "/hall/"),
    ("数小二 start /guide/ask/", "/guide/ask/"),
]


def _reads(run: Run, host: str, port: int, codes: list[str], auth: dict[str, str]) -> list[Result]:
    return [
        run(
            "guide page /guide/items/<code>/",
            get_builder(host, port, [f"/guide/items/{c}/" for c in codes]),
            warmup_requests=len(codes),
        ),
        run(
            "catalog API /api/catalog/items/<code>",
            get_builder(host, port, [f"/api/catalog/items/{c}" for c in codes]),
            warmup_requests=len(codes),
        ),
        run(
            "catalog API /api/catalog/items?limit=20",
            get_builder(
                host, port, [f"/api/catalog/items?limit=20&offset={n}" for n in range(0, ITEMS, 20)]
            ),
            warmup_requests=ITEMS // 20,
        ),
        *(
            run(name, get_builder(host, port, [path]), warmup_requests=1)
            for name, path in PORTAL_PAGES
        ),
        run("baseline /healthz, signed in", get_builder(host, port, ["/healthz"], auth)),
        run(
            "guide page, signed in",
            get_builder(host, port, [f"/guide/items/{c}/" for c in codes], auth),
        ),
        run(
            "guide page, uncached (session cookie)",
            get_builder(
                host, port, [f"/guide/items/{c}/" for c in codes], {"Cookie": "sessionid=bench"}
            ),
        ),
    ]


def _writes(
    run: Run,
    env: dict[str, str],
    label: str,
    host: str,
    port: int,
    seed: dict[str, Any],
    auth: dict[str, str],
) -> list[Result]:
    create = post_builder(
        host,
        port,
        lambda n: "/api/cases",
        lambda n: (
            "application/json",
            json.dumps(
                {
                    "item_code": seed["item"],
                    "idempotency_key": f"bench-{label}-{n}",
                    "enterprise_uscc": seed["enterprise"],
                }
            ).encode(),
        ),
        auth,
    )
    results = [run("create application POST /api/cases", create, limit=10**9)]
    drafts = [int(x) for x in _shell(env, DRAFT_IDS, "DRAFTS=").split(",") if x]
    body = _multipart(seed["material"])
    submit = post_builder(
        host, port, lambda n: f"/api/cases/{drafts[n]}/submit", lambda n: body, auth
    )
    results.append(run("submit with 1 file POST …/submit", submit, limit=len(drafts)))
    return results


def _floors(
    run: Run, host: str, port: int, body: tuple[str, bytes], auth: dict[str, str]
) -> tuple[list[Result], list[float]]:
    """The floor alone and with its audit record, measured in alternating rounds: the
    machine's noise drifts over seconds, so each round's pair is compared within the round.
    Gives each one's median round, and each round's share (with audit / without)."""
    rounds: dict[str, list[Result]] = {}
    for _ in range(FLOOR_ROUNDS):
        for name, path in (
            ("floor: signed-in upload, 1 INSERT", "/bench/floor"),
            ("floor + its audit record", "/bench/floor?audit=1"),
        ):
            build = post_builder(host, port, lambda n, p=path: p, lambda n: body, auth)
            rounds.setdefault(name, []).append(run(name, build))
    plain, audited = rounds.values()
    shares = [a.rps / p.rps for p, a in zip(plain, audited, strict=True) if p.rps]
    medians = [sorted(kept, key=lambda r: r.rps)[len(kept) // 2] for kept in rounds.values()]
    return medians, shares


def _report(label: str, results: list[Result]) -> list[dict[str, object]]:
    baseline_rps = (results[0].rps + results[-1].rps) / 2
    print(f"\n[{label}] {ITEMS} items, {CONCURRENCY} keep-alive clients, {SECONDS:.0f}s each")
    header = f"{'endpoint':<44}{'req/s':>9}{'vs bare':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(header)
    print("-" * len(header))
    rows = []
    for r in results:
        ratio = r.rps / baseline_rps if baseline_rps else 0.0
        print(
            f"{r.name:<44}{r.rps:>9.0f}{ratio:>8.0%} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f}{r.errors:>8}"
        )
        rows.append({"database": label, **r.__dict__, "rps": r.rps, "ratio": ratio})
    if results[0].rps:
        print(f"baseline drift (after/before): {results[-1].rps / results[0].rps:.0%}")
    # What authentication alone costs (the session and user reads of every signed-in request),
    # so the submit figure can be read against both the bare view and a signed-in bare view.
    by_name = {r.name: r for r in results}
    signed_in = by_name.get("baseline /healthz, signed in")
    submit = by_name.get("submit with 1 file POST …/submit")
    if signed_in and submit and signed_in.rps and baseline_rps:
        print(
            f"signed-in bare view: {signed_in.rps / baseline_rps:.0%} of the bare view; "
            f"submit: {submit.rps / signed_in.rps:.0%} of the signed-in bare view"
        )
    floor = by_name.get("floor + its audit record")
    if floor and submit and floor.rps and baseline_rps:
        print(
            f"floor (upload, 1 INSERT, audit): {floor.rps / baseline_rps:.0%} of the bare view; "
            f"submit: {submit.rps / floor.rps:.0%} of the floor"
        )
    shares = FLOOR_SHARES.get(label)
    if shares:
        share = statistics.median(shares)
        verdict = "met" if share >= 0.9 else "NOT met"
        print(
            f"  goal: the floor with its audit record ≥ 90 % of the floor without it: "
            f"{share:.0%} (median of {len(shares)} rounds: "
            f"{', '.join(f'{s:.0%}' for s in shares)}) — {verdict} (issue 17)"
        )
    goals = {
        "guide page /guide/items/<code>/": (0.5, 50),
        "catalog API /api/catalog/items/<code>": (0.5, 50),
        "catalog API /api/catalog/items?limit=20": (0.5, 50),
        "submit with 1 file POST …/submit": (0.35, 100),
        **{name: (0.8, 50) for name, _ in PORTAL_PAGES},
        "guide page, signed in": (0.4, 100),
    }
    for r in results:
        if r.name in goals:
            share, p99 = goals[r.name]
            ratio = r.rps / baseline_rps if baseline_rps else 0.0
            met = ratio >= share and r.p99_ms < p99 and not r.errors
            print(f"  goal ≥{share:.0%} & p99<{p99}ms — {r.name}: {'met' if met else 'NOT met'}")
    return rows


def main() -> None:
    with postgres_url() as pg_url:
        rows = _bench_all(pg_url)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8"
    )


def _bench_all(pg_url: str | None) -> list[dict[str, object]]:
    databases = bench_databases(pg_url)
    rows: list[dict[str, object]] = []
    for label, extra in databases:
        data_dir = tempfile.mkdtemp(prefix="tongban-bench-")
        env = {**os.environ, "TONGBAN_DATA_DIR": data_dir, "TONGBAN_LOG_LEVEL": "WARNING"}
        # floor_settings / floor_urls live here, for the seed and for gunicorn
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
        env.pop("DATABASE_URL", None)
        env.update(extra)
        rows += _report(label, bench_database(label, env))
    return rows


if __name__ == "__main__":
    main()
