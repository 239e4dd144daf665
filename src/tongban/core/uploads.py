"""What an uploaded file really is, from its first bytes: never from its name or the
browser's declared type."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]

LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPG"}

# The largest material a person may upload, and what the pages say next to each upload.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def upload_hint(kinds: tuple[str, ...] = ("PDF", "JPG", "PNG"), max_bytes: int = 0) -> str:
    """'PDF、JPG或PNG，单个文件不超过20MB': the limits stated next to an upload."""
    size = (max_bytes or MAX_UPLOAD_BYTES) // (1024 * 1024)
    if len(kinds) == 1:
        names = kinds[0]
    else:  # "PDF、JPG或PNG" / "PDF, JPG or PNG"
        names = _("%(some)s或%(last)s") % {"some": _("、").join(kinds[:-1]), "last": kinds[-1]}
    return _("%(kinds)s，单个文件不超过%(size)sMB") % {"kinds": names, "size": size}


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


# Decoding a picture costs its pixels: a 48-megapixel photo is the largest we open.
MAX_PIXELS = 50_000_000


def _pdf_problem(file: IO[bytes]) -> str:
    """'' when a real PDF parser (pypdf) reads the file and finds at least one page."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are our refusal
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            return "PDF已加密，请上传未加密的文件"
        if len(reader.pages) < 1:
            return "PDF中没有页面"
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, RecursionError, OSError):
        return "不是有效的PDF文件（文件已损坏或只是改了扩展名）"
    return ""


def _image_problem(file: IO[bytes]) -> str:
    """'' when Pillow decodes the picture, which is no larger than MAX_PIXELS."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.width * image.height > MAX_PIXELS:
                    return f"图片像素过多（不超过{MAX_PIXELS // 1_000_000}百万像素）"
                image.verify()  # the file's structure and checksums, without decoding
            file.seek(0)
            with Image.open(file) as image:
                image.draft("RGB", (256, 256))  # JPEG decodes at a fraction of its size
                image.load()  # every pixel: a truncated or forged body fails here
    except Image.DecompressionBombError:
        return f"图片像素过多（不超过{MAX_PIXELS // 1_000_000}百万像素）"
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return "图片已损坏，无法打开"
    return ""


def upload_problem(file: IO[bytes]) -> str:
    """Why an uploaded file is not an acceptable material ('' when it is): its first bytes say
    what it claims to be, and a real parser must then read it as that (an EXE that starts
    with `%PDF-` is not a PDF). The file is rewound either way."""
    kind = sniff_file(file)
    try:
        if not kind:
            return "只接受PDF、JPG或PNG文件"
        return _pdf_problem(file) if kind == "application/pdf" else _image_problem(file)
    finally:
        file.seek(0)


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
