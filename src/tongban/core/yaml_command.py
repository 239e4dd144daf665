"""A management command that moves one kind of data as YAML: `export` to stdout, `import`
from a file (or - for stdin), all or nothing, every problem listed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class YamlTransferCommand(BaseCommand):
    def export_text(self) -> str:
        raise NotImplementedError

    def import_text(self, text: str) -> str:
        """Load `text`; the line that reports what was written. Raises ValidationError."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="write YAML to stdout")
        load = sub.add_parser("import", help="load YAML, all-or-nothing")
        load.add_argument("path", help="YAML file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.stdout.write(self.export_text(), ending="")
            return
        path = options["path"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            report = self.import_text(text)
        except ValidationError as exc:
            raise CommandError(
                "导入失败，未写入任何数据 / import failed, nothing written:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(report)
