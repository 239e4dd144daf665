"""`tongban service_points export|import`: move the service points as YAML."""

from __future__ import annotations

from tongban.core.yaml_command import YamlTransferCommand
from tongban.servicemap.services import points_export, points_import


class Command(YamlTransferCommand):
    help = "政务服务点导入导出 / service points, export and import (YAML)"

    def export_text(self) -> str:
        return points_export()

    def import_text(self, text: str) -> str:
        written = points_import(text)
        return f"写入服务点 {written} 个 / {written} written"
