"""`tongban sweep`: the periodic jobs every app registered (deadline warnings, lost
notification deliveries, expired exchange nonces, appointment reminders, …)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand

from tongban.core.sweeps import sweeps

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "定时任务：办件预警、补发通知、预约提醒等 / periodic sweep"

    def handle(self, *args: Any, **options: Any) -> None:
        lines = []
        failed = 0
        for name in sweeps.names():
            try:
                lines.append(sweeps.get(name)())
            except Exception:  # one failing job must not stop the others
                logger.exception("sweep %s failed", name)
                lines.append(f"{name} 失败（见日志）")
                failed += 1
        self.stdout.write("；".join(lines))
        if failed:
            raise SystemExit(1)
