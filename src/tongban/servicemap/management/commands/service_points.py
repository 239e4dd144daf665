"""`tongban service_points export|import`: move the service points as YAML."""

from tongban.core.yaml_command import yaml_transfer_command
from tongban.servicemap.services import points_export, points_import

Command = yaml_transfer_command(
    help_text="政务服务点导入导出 / service points, export and import (YAML)",
    export=points_export,
    load=points_import,
    written="写入服务点 {n} 个 / {n} written",
)
