"""A management command that moves one kind of data as YAML: `export` to stdout, `import`
from a file (or - for stdin), all or nothing, every problem listed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


def yaml_transfer_command(
    *, help_text: str, export: Callable[[], str], load: Callable[[str], int], written: str
) -> type[BaseCommand]:
    """The command class for one kind of data: `export()` gives the YAML, `load(text)`
    writes it and says how many; `written` reports that number ("写入 {n} 个")."""

    class Command(BaseCommand):
        help = help_text

        def add_arguments(self, parser: CommandParser) -> None:
            sub = parser.add_subparsers(dest="action", required=True)
            sub.add_parser("export", help="write YAML to stdout")
            loader = sub.add_parser("import", help="load YAML, all-or-nothing")
            loader.add_argument("path", help="YAML file, or - for stdin")

        def handle(self, *args: Any, **options: Any) -> None:
            if options["action"] == "export":
                self.stdout.write(export(), ending="")
                return
            path = options["path"]
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            try:
                count = load(text)
            except ValidationError as exc:
                raise CommandError(
                    "导入失败，未写入任何数据 / import failed, nothing written:\n  "
                    + "\n  ".join(exc.messages)
                ) from exc
            self.stdout.write(written.format(n=count))

    return Command
