"""What an uploaded file really is, from its first bytes: never from its name or the
browser's declared type."""

from __future__ import annotations

from typing import IO

SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]

LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPG"}


def sniff_type(head: bytes) -> str:
    """The MIME type of a PDF, PNG or JPEG from its magic bytes; '' for anything else."""
    for magic, mime in SIGNATURES:
        if head.startswith(magic):
            return mime
    return ""


def sniff_file(file: IO[bytes]) -> str:
    """Sniff an open file (an UploadedFile) and rewind it."""
    head = file.read(16)
    file.seek(0)
    return sniff_type(head)
