"""File names in downloads: RFC 6266 (`filename*=UTF-8''…`), which browsers decode, never a
whole header RFC 2047-encoded, which they do not."""

from __future__ import annotations

from tongban.core.downloads import pdf_response


def test_a_chinese_file_name_travels_as_rfc_6266() -> None:
    response = pdf_response(b"%PDF-1.7", "新出发6101002026000001.pdf", attachment=True)
    header = response.serialize_headers().decode("ascii")
    assert "filename*=utf-8''%E6%96%B0%E5%87%BA%E5%8F%91" in header
    assert "=?utf-8?" not in header
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_ascii_name_stays_readable_and_inline_stays_inline() -> None:
    response = pdf_response(b"%PDF-1.7", "guide-0001.pdf", attachment=False)
    assert response["Content-Disposition"] == 'inline; filename="guide-0001.pdf"'
    assert response["Content-Type"] == "application/pdf"
