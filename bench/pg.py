"""A throwaway PostgreSQL database for the benchmarks' second pass, so that `make bench`
measures both databases without setup.

- BENCH_DATABASE_URL set: that database is used as it is (it should be empty).
- Otherwise, as a normal user with PostgreSQL's binaries installed (Debian: postgresql-15):
  a private cluster is created with initdb in a temporary directory, listening on a free
  loopback port, and removed afterwards. No root, nothing left behind.
- Otherwise, as root (initdb refuses to run as root): the system cluster is started with
  pg_ctlcluster and a throwaway role and database are created through the postgres account,
  as .ci/run does, and dropped afterwards.
- Neither possible: None, and the caller says the PostgreSQL pass was skipped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

from loadgen import free_port


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _wait_ready(port: int) -> None:
    isready = _bin("pg_isready") or "pg_isready"
    for _ in range(60):
        if subprocess.run([isready, "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError(f"PostgreSQL did not start on port {port}")


@contextlib.contextmanager
def _private_cluster() -> Iterator[str]:
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    assert initdb and pg_ctl  # noqa: S101 — checked by the caller
    root = tempfile.mkdtemp(prefix="tongban-bench-pg-")
    data = os.path.join(root, "data")
    port = free_port()
    subprocess.run(
        [initdb, "-D", data, "-U", "bench", "-A", "trust", "-E", "UTF8", "--no-locale"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=on"
    subprocess.run(
        [pg_ctl, "-D", data, "-o", options, "-l", os.path.join(root, "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        _wait_ready(port)
        subprocess.run(
            [
                _bin("createdb") or "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "bench",
                "tongban_bench",
            ],
            check=True,
        )
        yield f"postgres://bench@127.0.0.1:{port}/tongban_bench"
    finally:
        subprocess.run([pg_ctl, "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _as_postgres(sql: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-c", sql], check=True)


@contextlib.contextmanager
def _system_cluster() -> Iterator[str]:
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True)
    _wait_ready(5432)
    name = f"tongban_bench_{os.getpid()}"
    password = secrets.token_hex(16)
    _as_postgres(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    _as_postgres(f"CREATE DATABASE {name} OWNER {name}")
    try:
        yield f"postgres://{name}:{password}@127.0.0.1:5432/{name}"
    finally:
        _as_postgres(f"DROP DATABASE IF EXISTS {name}")
        _as_postgres(f"DROP ROLE IF EXISTS {name}")


@contextlib.contextmanager
def postgres_url() -> Iterator[str | None]:
    if os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
    elif os.geteuid() != 0 and _bin("initdb") and _bin("pg_ctl"):
        with _private_cluster() as url:
            yield url
    elif os.geteuid() == 0 and shutil.which("pg_ctlcluster") and shutil.which("runuser"):
        with _system_cluster() as url:
            yield url
    else:
        yield None


def bench_databases(pg_url: str | None) -> list[tuple[str, dict[str, str]]]:
    """The databases to measure: BENCH_DATABASES=sqlite,postgresql (the default) or one."""
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").lower().split(",")
    databases: list[tuple[str, dict[str, str]]] = []
    if "sqlite" in wanted:
        databases.append(("SQLite", {}))
    if "postgresql" in wanted:
        if pg_url:
            databases.append(("PostgreSQL", {"DATABASE_URL": pg_url}))
        else:
            print("(PostgreSQL pass skipped: no PostgreSQL binaries; set BENCH_DATABASE_URL)")
    return databases
