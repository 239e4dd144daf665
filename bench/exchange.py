"""The exchange benchmark (part of `make bench`), on SQLite and on a throwaway PostgreSQL.

- A query through the built-in provider (grant check, masking, access log and audit record):
  latency with one client (goal p99 < 20 ms), and throughput with four.
- Creating an application whose five materials the exchange resolves, against creating one
  for an item with five materials the applicant uploads (goal: at most 2× the time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from loadgen import Result, free_port, get_builder, measure, post_builder  # noqa: E402
from pg import bench_databases, postgres_url  # noqa: E402
from run import BIN, CSRF, ROOT, _shell, _wait_until_up  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))

SEED = """
import datetime as dt, json, yaml
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from tongban.demo.seed import demo_seed, demo_catalog_text
from tongban.catalog.services import catalog_import
from tongban.catalog.models import ServiceItem
from tongban.accounts.models import Department, User
from tongban.exchange.models import AccessGrant, DataResource
from tongban.exchange.services.grants import grant_decide, grant_request
demo_seed(with_cases=False)
doc = yaml.safe_load(demo_catalog_text())
base = next(i for i in doc["items"] if i["basic_code"] == "000201001000")
shared = ["res.population", "res.real_estate", "res.marriage", "res.social_insurance",
          "cert.health"]
def bench_item(code, name, materials):
    item = {k: v for k, v in base.items() if k not in ("situations", "materials", "life_events")}
    item.update(basic_code=code, name=name, department="mzj", materials=materials)
    return item
catalog_import(text=yaml.safe_dump({"items": [
    bench_item("990000000001", "压测：五项材料共享获取",
               [{"name": f"共享材料{n}", "source": "shared_resource", "source_ref": ref}
                for n, ref in enumerate(shared)]),
    bench_item("990000000002", "压测：五项材料申请人上传",
               [{"name": f"上传材料{n}", "originals": 1} for n in range(5)]),
]}, allow_unicode=True))
admin = User.objects.get(username="admin")
mzj = Department.objects.get(code="mzj")
for code in shared:
    resource = DataResource.objects.get(code=code)
    if not AccessGrant.objects.filter(resource=resource, consumer=mzj, state="approved").exists():
        grant = grant_request(actor=admin, resource=resource, consumer=mzj, purpose="压测",
                              fields=list(resource.fields.values_list("code", flat=True)),
                              valid_until=timezone.localdate() + dt.timedelta(days=30))
        if grant.state == "requested":
            grant_decide(actor=admin, grant=grant, approve=True)
def session_for(username):
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key
subjects = [u.id_number for u in User.objects.filter(username__startswith="demo-p")]
subjects.append(User.objects.get(username="zhangsan").id_number)
print("SEED=" + json.dumps({
    "applicant": session_for("zhangsan"), "reviewer": session_for("reviewer"),
    "subjects": subjects,
    "shared": ServiceItem.objects.get(basic_code="990000000001", state="published").code,
    "uploaded": ServiceItem.objects.get(basic_code="990000000002", state="published").code,
}))
"""


def _auth(session: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}


def bench_database(label: str, env: dict[str, str]) -> list[Result]:
    print(f"[{label}] seeding …", flush=True)
    subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
    seed = json.loads(_shell(env, SEED, "SEED="))
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "tongban.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "4", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    host = "127.0.0.1"
    subjects = seed["subjects"]
    try:
        _wait_until_up(port)
        query = post_builder(
            host,
            port,
            lambda n: "/api/exchange/query",
            lambda n: (
                "application/json",
                json.dumps(
                    {
                        "resource": "res.population",
                        "subject": subjects[n % len(subjects)],
                        "purpose": "压测：核验身份",
                    }
                ).encode(),
            ),
            _auth(seed["reviewer"]),
        )

        def create(code: str, tag: str) -> object:
            return post_builder(
                host,
                port,
                lambda n: "/api/cases",
                lambda n: (
                    "application/json",
                    json.dumps(
                        {"item_code": code, "idempotency_key": f"bench-{label}-{tag}-{n}"}
                    ).encode(),
                ),
                _auth(seed["applicant"]),
            )

        def run(name: str, build: object, concurrency: int) -> Result:
            return measure(
                name, host, port, build, concurrency=concurrency, seconds=SECONDS, limit=10**9
            )  # type: ignore[arg-type]

        return [
            run("baseline /healthz, 1 client", get_builder(host, port, ["/healthz"]), 1),
            run("exchange query, 1 client", query, 1),
            run("exchange query, 4 clients", query, 4),
            run("create, 5 materials uploaded later", create(seed["uploaded"], "none"), 4),
            run("create, 5 materials resolved", create(seed["shared"], "five"), 4),
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)


def _report(label: str, results: list[Result]) -> None:
    print(f"\n[{label}] exchange, {SECONDS:.0f}s each")
    header = f"{'request':<40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name:<40}{r.rps:>9.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}")
    single = results[1]
    met = single.p99_ms < 20 and not single.errors
    print(f"  goal p99<20ms — exchange query, 1 client: {'met' if met else 'NOT met'}")
    none, five = results[3], results[4]
    ratio = (none.rps / five.rps) if five.rps else float("inf")
    met = ratio <= 2 and not (none.errors or five.errors)
    print(
        f"  goal ≤2× — creating with 5 resolved takes {ratio:.2f}× the time of none "
        f"(by throughput; p50 {five.p50_ms:.1f} vs {none.p50_ms:.1f} ms): "
        f"{'met' if met else 'NOT met'}"
    )


def main() -> None:
    with postgres_url() as pg_url:
        for label, extra in bench_databases(pg_url):
            env = {
                **os.environ,
                "TONGBAN_DATA_DIR": tempfile.mkdtemp(prefix="tongban-bench-x-"),
                "TONGBAN_LOG_LEVEL": "WARNING",
            }
            env.pop("DATABASE_URL", None)
            env.update(extra)
            _report(label, bench_database(label, env))


if __name__ == "__main__":
    main()
