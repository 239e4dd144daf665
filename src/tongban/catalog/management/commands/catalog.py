"""`tongban catalog export|import`: move the catalog between environments as YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.catalog.services import CatalogImportError, catalog_export, catalog_import


class Command(BaseCommand):
    help = "事项清单导入导出 / catalog export and import (YAML)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="write the published catalog to stdout")
        load = sub.add_parser("import", help="import a YAML catalog, all-or-nothing")
        load.add_argument("path", help="YAML file, or - for stdin")
        load.add_argument("--draft", action="store_true", help="import as drafts, not published")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.stdout.write(catalog_export(), ending="")
            return
        path = options["path"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            report = catalog_import(text=text, publish=not options["draft"])
        except CatalogImportError as exc:
            raise CommandError(
                "导入失败，未写入任何数据 / import failed, nothing written:\n  "
                + "\n  ".join(exc.messages)
            ) from exc
        self.stdout.write(
            f"新增 {len(report.created)}，新版本 {len(report.new_versions)}，"
            f"未变 {len(report.unchanged)}"
        )
