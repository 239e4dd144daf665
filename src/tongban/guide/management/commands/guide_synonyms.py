"""`tongban guide_synonyms export|import`: move the guide's synonym table as YAML."""

from tongban.core.yaml_command import yaml_transfer_command
from tongban.guide.services import synonyms_export, synonyms_import

Command = yaml_transfer_command(
    help_text="导办同义词表导入导出 / the guide's synonym table, export and import (YAML)",
    export=synonyms_export,
    load=synonyms_import,
    written="新增同义词 {n} 条 / {n} added",
)
