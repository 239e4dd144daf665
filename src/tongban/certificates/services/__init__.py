"""The certificate library's services, by use case; imported from here."""

from tongban.certificates.services.issuing import (
    certificate_file,
    certificate_issue,
    certificate_revoke,
    opinion_issue,
    type_for_case,
)
from tongban.certificates.services.types import (
    demo_types_text,
    type_define,
    type_problems,
    type_publish,
    types_load,
)
from tongban.certificates.services.verification import (
    MAX_FILE_BYTES,
    Verification,
    certificate_status,
    certificate_verify,
    read_upload,
)

__all__ = [
    "MAX_FILE_BYTES",
    "Verification",
    "certificate_file",
    "certificate_issue",
    "certificate_revoke",
    "certificate_status",
    "certificate_verify",
    "demo_types_text",
    "opinion_issue",
    "read_upload",
    "type_define",
    "type_for_case",
    "type_problems",
    "type_publish",
    "types_load",
]
