"""The one reader of uploaded materials: named fields, one file each, anything else named."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tests.forms.test_hostile_images import png_declaring
from tongban.core.synthetic import make_pdf
from tongban.core.uploads import upload_problem, uploads_numbered


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 synthetic", content_type="application/pdf")


def test_it_reads_each_numbered_field() -> None:
    a, b = _pdf("a.pdf"), _pdf("b.pdf")
    files = MultiValueDict({"material_7": [a], "material_12": [b]})
    assert uploads_numbered(files, prefix="material_") == {7: a, 12: b}


def test_it_names_every_field_it_cannot_place() -> None:
    files = MultiValueDict(
        {"material_x": [_pdf("a.pdf")], "photo": [_pdf("b.pdf")], "material_3": [_pdf("c.pdf")]}
    )
    with pytest.raises(ValidationError) as caught:
        uploads_numbered(files, prefix="material_")
    assert set(caught.value.message_dict) == {"material_x", "photo"}
    assert "material_<编号>" in caught.value.message_dict["photo"][0]


def test_it_refuses_two_files_under_one_name() -> None:
    files = MultiValueDict({"m_0": [_pdf("a.pdf"), _pdf("b.pdf")]})
    with pytest.raises(ValidationError) as caught:
        uploads_numbered(files, prefix="m_")
    assert caught.value.message_dict == {"m_0": ["每项材料只能上传一个文件"]}


EXE_AS_PDF = b"%PDF-1.7\nMZ\x90\x00" + b"\0" * 4000


def _png(width: int = 40, height: int = 30) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("locked"))))
    writer.encrypt("owner-and-user-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("a real PDF", lambda: make_pdf("材料"), ""),
        ("a real PNG", _png, ""),
        ("a real JPEG", _jpeg, ""),
        (
            "an EXE that starts with %PDF-",
            lambda: b"%PDF-1.7\nMZ\x90\x00" + b"\0" * 4000,
            "不是有效的PDF",
        ),
        ("a PDF cut short", lambda: make_pdf("材料")[:200], "不是有效的PDF"),
        ("an encrypted PDF", _encrypted_pdf, "已加密"),
        ("a PNG cut short", lambda: _png(400, 300)[:60], "已损坏"),
        ("a PNG declaring 50000×50000", lambda: png_declaring(50000, 50000), "像素过多"),
        ("a ZIP", lambda: b"PK\x03\x04" + b"\0" * 100, "只接受"),
    ],
)
def test_a_material_is_read_by_a_real_parser_not_trusted_by_its_magic_bytes(
    name: str, data: Any, problem: str
) -> None:
    import io

    found = upload_problem(io.BytesIO(data()))
    assert (problem in found) if problem else found == "", (name, found)
