"""Run jobs in threads released together: the concurrency tests on a real database server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def race(jobs: list[Callable[[], Any]], *, timeout: float = 60) -> list[Any]:
    """Each job's result, or the exception it raised (the outcome is what tests compare)."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 — the outcome is what we compare
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
