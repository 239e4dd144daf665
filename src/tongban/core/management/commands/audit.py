"""`tongban audit verify`: walk the hash chain and report the first tampered record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core.audit import audit_verify


class Command(BaseCommand):
    help = "审计链操作 / audit chain: verify"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计链校验失败 / audit chain broken at #{result.first_bad_seq}: {result.reason}"
                f"（此前{result.checked}条完好）"
            )
        self.stdout.write(f"审计链完好 / audit chain intact: {result.checked} 条记录")
