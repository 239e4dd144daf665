"""Files a page or the API hands out: the name travels as RFC 6266 says (`filename*=UTF-8''…`
for anything not plain ASCII), which every browser decodes; a header value Django would
otherwise RFC 2047-encode as a whole reaches the person as gibberish."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def pdf_response(data: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = content_disposition_header(attachment, filename)
    if disposition is not None:
        response["Content-Disposition"] = disposition
    return response
