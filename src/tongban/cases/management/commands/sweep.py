"""`tongban sweep`: the periodic jobs — deadline warnings, lost notification deliveries and
expired nonces of signed exchange requests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongban.cases.services.deadlines import case_warnings_sweep
from tongban.exchange.services.remote import nonces_prune
from tongban.notify.services import notification_requeue_stale


class Command(BaseCommand):
    help = "定时任务：办件预警、补发通知 / periodic sweep"

    def handle(self, *args: Any, **options: Any) -> None:
        warnings = case_warnings_sweep()
        requeued = notification_requeue_stale()
        pruned = nonces_prune()
        self.stdout.write(
            f"预警变更 {warnings}；重新排队通知 {requeued} 条；清理过期防重放记录 {pruned} 条"
        )
