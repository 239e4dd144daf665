"""What an uploaded file really is, from its first bytes: never from its name or the
browser's declared type."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

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


def uploads_numbered(
    files: MultiValueDict[str, UploadedFile], *, prefix: str
) -> dict[int, UploadedFile]:
    """The one reader of uploaded materials, for the API and the pages alike: each file field
    is named `<prefix><number>` and carries one file. Any other field, or two files under one
    name, is refused naming the field — nothing is silently dropped."""
    out: dict[int, UploadedFile] = {}
    errors: dict[str, list[str]] = {}
    for field in files:
        number = field[len(prefix) :]
        if not field.startswith(prefix) or not number.isdigit():
            errors[field] = [f"文件字段应命名为 {prefix}<编号>"]
            continue
        uploads = files.getlist(field)
        if len(uploads) != 1:
            errors[field] = ["每项材料只能上传一个文件"]
            continue
        out[int(number)] = uploads[0]
    if errors:
        raise ValidationError(errors)
    return out
