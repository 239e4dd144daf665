"""`make bench-worklist`: a department's work list on a table of 1,000,000 cases.

Seeds the demo city, then BENCH_CASES cases (default 1,000,000) straight into the table in
batches (hand-written INSERTs: the ORM would spend minutes building objects), starts
gunicorn as bench/run.py does, and measures a reviewer's work-list API and page, unfiltered
and filtered by warning colour. Goal: p50 < 50 ms, p99 < 200 ms.
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

from loadgen import free_port, get_builder, measure  # noqa: E402
from pg import bench_databases, postgres_url  # noqa: E402
from run import BIN, _shell, _wait_until_up, gunicorn  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))

SEED = """
import datetime as dt, json, random
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from tongban.demo.seed import demo_seed
from tongban.accounts.models import User
from tongban.catalog.models import ServiceItem
from tongban.cases.models import Case
demo_seed()
rng = random.Random(7)
items = list(ServiceItem.objects.filter(state="published").values_list("pk", "department_id"))
applicants = list(User.objects.values_list("pk", flat=True))
states = (["completed"] * 70 + ["in_review"] * 8 + ["accepted"] * 4 + ["submitted"] * 4
          + ["pre_review", "pre_review", "correction", "correction", "suspended", "decided",
             "decided", "result_ready", "result_ready", "delivered", "delivered", "rejected",
             "withdrawn", "withdrawn"])
warnings = [""] * 90 + ["yellow"] * 6 + ["red"] * 4
table = Case._meta.db_table
columns = ("number, item_id, department_id, applicant_id, created_by_id, channel, "
           "idempotency_key, state, form_data, situations, created_at, submitted_at, "
           "accepted_on, legal_due, promised_due, suspended_working_days, "
           "extension_working_days, warning, decision, decision_reason, closing_reason, "
           "return_state, in_queue, queue_date, bundle_key, waiting_for")
sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 26)})"
start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
batch = []
for n in range(TOTAL):
    item, department = items[n % len(items)]
    applicant = applicants[n % len(applicants)]
    state = rng.choice(states)
    created = start + dt.timedelta(minutes=n // 2)
    accepted = created.date() if state not in ("submitted", "pre_review", "rejected") else None
    promised = accepted + dt.timedelta(days=rng.randint(0, 20)) if accepted else None
    legal = promised + dt.timedelta(days=10) if promised else None
    number = f"TB{created:%Y%m%d}{n:06d}"[:20] if accepted else None
    batch.append((number, item, department, applicant, applicant, "online", f"seed-{n}",
                  state, "{}", "{}", created, created, accepted, legal, promised, 0, 0,
                  rng.choice(warnings) if accepted and state != "completed" else "",
                  "", "", "", "",
                  state not in ("completed", "rejected", "withdrawn"),
                  promised or created.date(), "", "[]"))
    if len(batch) == 20000 or n == TOTAL - 1:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        batch = []
if connection.vendor == "postgresql":
    # What autovacuum does to a table in steady state (index-only scans need the visibility map).
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
else:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
reviewer = User.objects.get(username="reviewer")
session = SessionStore()
session[SESSION_KEY] = str(reviewer.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = reviewer.get_session_auth_hash()
session.save()
print("SEED=" + json.dumps({"session": session.session_key, "cases": Case.objects.count()}))
"""


def main() -> None:
    with postgres_url() as pg_url:
        _bench_all(pg_url)


def _bench_all(pg_url: str | None) -> None:
    databases = bench_databases(pg_url)
    for label, extra in databases:
        env = {**os.environ, "TONGBAN_DATA_DIR": tempfile.mkdtemp(prefix="tongban-wl-")}
        env.pop("DATABASE_URL", None)
        env.update(extra)
        print(f"[{label}] seeding {CASES:,} cases …", flush=True)
        subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
        seed = json.loads(_shell(env, SEED.replace("TOTAL", str(CASES)), "SEED="))
        port = free_port()
        server = gunicorn(env, port)
        cookie = {"Cookie": f"sessionid={seed['session']}"}
        try:
            _wait_until_up(port)
            print(f"\n[{label}] {seed['cases']:,} cases; reviewer of 市场监管; 4 clients")
            print(f"{'request':<46}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
            for name, paths in [
                ("API work list (25 a page)", ["/api/cases/worklist?limit=25"]),
                ("API work list, red only", ["/api/cases/worklist?limit=25&warning=red"]),
                ("API work list, page 40", ["/api/cases/worklist?limit=25&offset=1000"]),
                ("work list page /workbench/", ["/workbench/"]),
            ]:
                r = measure(
                    name,
                    "127.0.0.1",
                    port,
                    get_builder("127.0.0.1", port, paths, cookie),
                    concurrency=4,
                    seconds=SECONDS,
                )
                verdict = "met" if r.p50_ms < 50 and r.p99_ms < 200 and not r.errors else "NOT met"
                print(
                    f"{name:<46}{r.rps:>8.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}",
                    verdict,
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
