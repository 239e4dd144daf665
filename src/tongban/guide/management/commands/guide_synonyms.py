"""`tongban guide_synonyms export|import`: move the guide's synonym table as YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.guide.services import synonyms_export, synonyms_import


class Command(BaseCommand):
    help = "导办同义词表导入导出 / the guide's synonym table, export and import (YAML)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="write the active synonyms to stdout")
        load = sub.add_parser("import", help="add the synonyms a YAML file lists, all-or-nothing")
        load.add_argument("path", help="YAML file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.stdout.write(synonyms_export(), ending="")
            return
        path = options["path"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            added = synonyms_import(text)
        except ValidationError as exc:
            raise CommandError(
                "导入失败，未写入任何数据 / import failed, nothing written:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(f"新增同义词 {added} 条 / {added} added")
