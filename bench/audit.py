"""`make bench-audit` (part of `make bench`): audited writes when the database is far away.

PostgreSQL is put behind a small delaying TCP proxy (asyncio, below: this machine's kernel has
no `netem`) that holds every chunk 2 ms each way, as a database on another host would. Writers
are threads of one process, each with its own connection through the proxy, each write one
transaction: an INSERT, and with the audit record every write carries. Printed:

- plain inserts and audited inserts, with 1 and with 16 writers, and how each scales
  (goal: audited writes with 16 writers ≥ 8× those with 1);
- while the 16 audited writers run, the sequencer seals once a second through the same proxy:
  the sealing lag from a record's commit to the signed checkpoint that covers it (goal p99
  ≤ 2 s), and `tongban audit verify` over everything afterwards.

The floor with and without its audit record, against the bare view, is in bench/run.py.
Skipped without PostgreSQL (bench/pg.py finds or makes one).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from loadgen import free_port  # noqa: E402
from pg import postgres_url  # noqa: E402

DELAY = float(os.environ.get("BENCH_PROXY_DELAY_MS", "2")) / 1000
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
BIN = Path(sys.executable).parent


class DelayProxy:
    """Forwards 127.0.0.1:`port` to `target`, each chunk held `delay` seconds in each
    direction (in order, without adding up: a chunk leaves when its own time has come). It runs
    in a process of its own, so its work does not compete with the writers' for one GIL."""

    def __init__(self, target: tuple[str, int], delay: float) -> None:
        self.target = target
        self.delay = delay
        self.port = free_port()
        self._process: multiprocessing.Process | None = None

    @staticmethod
    async def _pump(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def send() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    writer.close()
                    return
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()

        sender = loop.create_task(send())
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                queue.put_nowait((loop.time() + delay, data))
        queue.put_nowait((0.0, b""))
        with contextlib.suppress(ConnectionError):
            await sender

    @staticmethod
    def _serve(target: tuple[str, int], delay: float, port: int) -> None:
        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            up_reader, up_writer = await asyncio.open_connection(*target)
            await asyncio.gather(
                DelayProxy._pump(reader, up_writer, delay),
                DelayProxy._pump(up_reader, writer, delay),
            )

        async def main() -> None:
            server = await asyncio.start_server(client, "127.0.0.1", port)
            async with server:
                await server.serve_forever()

        asyncio.run(main())

    def start(self) -> DelayProxy:
        self._process = multiprocessing.Process(
            target=self._serve, args=(self.target, self.delay, self.port), daemon=True
        )
        self._process.start()
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return self
            time.sleep(0.05)
        raise RuntimeError("the delaying proxy did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def _writes(writers: int, audited: bool, seconds: float, action: str = "bench.write") -> float:
    """Committed writes per second with `writers` threads, for `seconds`."""
    from django.db import connection, connections, transaction

    from tongban.core.audit import audit_log

    stop = time.monotonic() + seconds
    counts = [0] * writers
    barrier = threading.Barrier(writers)

    def work(n: int) -> None:
        with connection.cursor() as cursor:  # connect before the clock starts
            cursor.execute("SELECT 1")
        barrier.wait()
        while time.monotonic() < stop:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("INSERT INTO bench_audit_floor (size) VALUES (%s)", [n])
                if audited:
                    audit_log(action=action, object_type="bench", object_id=str(n), changes={})
            counts[n] += 1
        connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


@contextlib.contextmanager
def _sequencer(interval: float = 1.0) -> Iterator[None]:
    """`tongban audit sequence`'s loop, in a thread of this process."""
    from django.db import connections

    from tongban.core.auditseal import audit_seal_all

    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            audit_seal_all()
            stop.wait(interval)
        connections.close_all()

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _lags() -> list[float]:
    """Seconds from each record's commit (its time) to the checkpoint that sealed it."""
    from tongban.core.models import AuditCheckpoint, AuditLeaf

    checkpoints = list(AuditCheckpoint.objects.order_by("tree_size").values_list("tree_size", "at"))
    sizes = [size for size, _ in checkpoints]
    lags = []
    for index, at in AuditLeaf.objects.filter(record__action="bench.many").values_list(
        "index", "record__at"
    ):
        position = bisect.bisect_right(sizes, index)
        if position < len(checkpoints):
            lags.append((checkpoints[position][1] - at).total_seconds())
    return sorted(lags)


def main() -> None:
    with postgres_url() as pg_url:
        if pg_url is None:
            print("== The audit log far away: skipped (no PostgreSQL) ==")
            return
        data = tempfile.mkdtemp(prefix="tongban-audit-")
        env = {**os.environ, "TONGBAN_DATA_DIR": data, "DATABASE_URL": pg_url}
        subprocess.run([BIN / "tongban", "migrate", "-v0", "--no-input"], env=env, check=True)
        target = urlsplit(pg_url)
        proxy = DelayProxy((target.hostname or "127.0.0.1", target.port or 5432), DELAY).start()
        os.environ.update(
            TONGBAN_DATA_DIR=data,
            DATABASE_URL=_through(pg_url, proxy.port),
            DJANGO_SETTINGS_MODULE="tongban.settings",
            TONGBAN_LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_audit_floor (size integer NOT NULL)")
        try:
            _report()
        finally:
            from django.db import connections

            connections.close_all()  # before the throwaway database is dropped
            proxy.stop()


def _report() -> None:
    from django.core.management import call_command

    print(
        f"\n== Audited writes with the database {DELAY * 1000:.0f} ms away each way "
        f"(PostgreSQL behind a delaying proxy), {SECONDS:.0f} s each =="
    )
    print(f"{'writes':<34}{'1 writer':>12}{'16 writers':>12}{'scale':>8}")
    plain = [_writes(n, audited=False, seconds=SECONDS) for n in (1, 16)]
    print(f"{'plain INSERT':<34}{plain[0]:>10.1f}/s{plain[1]:>10.1f}/s{plain[1] / plain[0]:>7.1f}×")
    one = _writes(1, audited=True, seconds=SECONDS)
    with _sequencer():
        many = _writes(16, audited=True, seconds=SECONDS, action="bench.many")
    scale = many / one
    print(f"{'INSERT + its audit record':<34}{one:>10.1f}/s{many:>10.1f}/s{scale:>7.1f}×")
    verdict = "met" if scale >= 8 else "NOT met"
    print(f"  goal: audited writes scale ≥ 8× from 1 to 16 writers — {verdict}")
    from tongban.core.auditseal import audit_seal_all

    audit_seal_all()
    lags = _lags()
    if lags:
        p50, p99 = lags[len(lags) // 2], lags[min(len(lags) - 1, int(0.99 * len(lags)))]
        verdict = "met" if p99 <= 2 else "NOT met"
        print(
            f"  sealing lag under the 16 writers ({len(lags)} records): p50 {p50:.2f} s, "
            f"p99 {p99:.2f} s, max {lags[-1]:.2f} s — goal p99 ≤ 2 s: {verdict}"
        )
    call_command("audit", "verify")


if __name__ == "__main__":
    main()
