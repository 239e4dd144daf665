"""Writes on the catalog, split by use case: versions (draft → published) and YAML transfer."""

from tongban.catalog.services.transfer import (
    CatalogImportError,
    ImportReport,
    catalog_export,
    catalog_import,
    item_from_dict,
    item_to_dict,
)
from tongban.catalog.services.versions import (
    PublishBlocked,
    item_new_draft,
    item_publish,
    item_update_draft,
)

__all__ = [
    "CatalogImportError",
    "ImportReport",
    "PublishBlocked",
    "catalog_export",
    "catalog_import",
    "item_from_dict",
    "item_new_draft",
    "item_publish",
    "item_to_dict",
    "item_update_draft",
]
