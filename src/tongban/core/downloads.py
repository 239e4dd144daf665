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


# A cell a spreadsheet would read as a formula (CSV injection, OWASP) is kept as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(rows: list[dict[str, object]], fields: list[str], filename: str) -> HttpResponse:
    """Rows as a CSV download that Excel opens as UTF-8 (a byte-order mark first)."""
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    disposition = content_disposition_header(True, filename)
    if disposition is not None:
        response["Content-Disposition"] = disposition
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    return response
