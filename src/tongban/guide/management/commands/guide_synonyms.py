"""`tongban guide_synonyms export|import`: move the guide's synonym table as YAML."""

from __future__ import annotations

from tongban.core.yaml_command import YamlTransferCommand
from tongban.guide.services import synonyms_export, synonyms_import


class Command(YamlTransferCommand):
    help = "导办同义词表导入导出 / the guide's synonym table, export and import (YAML)"

    def export_text(self) -> str:
        return synonyms_export()

    def import_text(self, text: str) -> str:
        added = synonyms_import(text)
        return f"新增同义词 {added} 条 / {added} added"
