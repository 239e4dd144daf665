"""`tongban audit verify|protect`: check the hash chain; make the table append-only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core.audit import audit_protect, audit_verify


class Command(BaseCommand):
    help = "审计链 / audit chain: verify, protect"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "protect"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "protect":
            if not audit_protect():
                raise CommandError("此数据库类型不支持审计表保护触发器 / unsupported database")
            self.stdout.write("审计表已设为只可追加 / audit table is now append-only")
            return
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计链校验失败 / audit chain broken at #{result.first_bad_seq}: {result.reason}"
                f"（此前{result.checked}条完好）"
            )
        self.stdout.write(f"审计链完好 / audit chain intact: {result.checked} 条记录")
