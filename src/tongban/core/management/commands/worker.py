"""`tongban worker`: the background worker (django-tasks' `db_worker`) that outlives the
database's bad moments. A transient database error ("database is locked", a connection the
server dropped, a PostgreSQL restart) closes the connections, waits with growing, jittered
delays and carries on; only another kind of fault ends the process, and then the supervisor
(`make run`, systemd's `Restart=always`) starts it again. Jobs a dead worker had claimed are
taken over after their claim times out (`tongban sweep`), so nothing waits for a person."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("tongban.worker")

FIRST_DELAY = 0.5
MOST_DELAY = 30.0
# A worker that ran this long without a fault starts its delays from the first again.
HEALTHY_SECONDS = 60.0


def is_transient(exc: BaseException) -> bool:
    """Errors of the database's availability, not of the job: worth waiting out."""
    return isinstance(exc, OperationalError | InterfaceError)


class Command(DbWorkerCommand):
    help = "后台任务处理（数据库暂时不可用时退避重试，不退出） / the background worker"

    def handle(self, *args: Any, **options: Any) -> None:
        delay = FIRST_DELAY
        while True:
            started = time.monotonic()
            try:
                super().handle(*args, **options)
                return
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if time.monotonic() - started > HEALTHY_SECONDS:
                    delay = FIRST_DELAY
                wait = delay * (1 + random.random() / 2)  # noqa: S311 - jitter, not secrecy
                logger.warning("数据库暂时不可用（%s），%.1f 秒后重试", exc, wait)
                connections.close_all()  # the next query opens a fresh connection
                time.sleep(wait)
                delay = min(delay * 2, MOST_DELAY)
