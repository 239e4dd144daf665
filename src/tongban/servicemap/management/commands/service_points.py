"""`tongban service_points export|import`: move the service points as YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.servicemap.services import points_export, points_import


class Command(BaseCommand):
    help = "政务服务点导入导出 / service points, export and import (YAML)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="write every service point to stdout")
        load = sub.add_parser("import", help="create or update points from YAML, all-or-nothing")
        load.add_argument("path", help="YAML file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.stdout.write(points_export(), ending="")
            return
        path = options["path"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            written = points_import(text)
        except ValidationError as exc:
            raise CommandError(
                "导入失败，未写入任何数据 / import failed, nothing written:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(f"写入服务点 {written} 个 / {written} written")
