"""The one reader of uploaded materials: named fields, one file each, anything else named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tongban.core.uploads import uploads_numbered


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
