"""Hardware readers. A second-generation ID card reader at a kiosk is driven by a small local
agent (vendor SDK) that posts what the card's chip holds; the adapter maps the vendor's field
names onto ours. A city registers its own adapter for its device; this one takes the common
field set the national readers deliver (GA 450 / GA 467 data: 姓名, 性别, 民族, 出生, 住址,
公民身份号码, 签发机关, 有效期限, photo)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tongban.forms.idreader.reading import (
    DocumentKind,
    DocumentReading,
    ReadField,
    UnreadableDocument,
)

CHIP_FIELDS = {
    "name": "name",
    "sex": "sex",
    "nation": "ethnicity",
    "birth": "birth_date",
    "address": "address",
    "id_number": "id_number",
    "issuer": "issuing_authority",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
}


def _date(value: str) -> str:
    value = value.strip()
    if value in ("", "长期"):
        return value
    for fmt in ("%Y%m%d", "%Y-%m-%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()  # noqa: DTZ007 — a date
        except ValueError:
            continue
    return ""


class ChipCardReader:
    """Reads the fields a certified chip reader delivered (JSON from the kiosk's agent)."""

    name = "chip"

    def read(self, payload: object) -> DocumentReading:
        if not isinstance(payload, Mapping) or not payload.get("id_number"):
            raise UnreadableDocument("读卡器没有返回证件信息，请重新放置身份证")
        fields = {}
        for theirs, ours in CHIP_FIELDS.items():
            raw = str(payload.get(theirs, "") or "")
            value = (
                _date(raw) if ours in ("birth_date", "valid_from", "valid_until") else raw.strip()
            )
            fields[ours] = ReadField(value, 1.0)  # read from the chip: no recognition doubt
        return DocumentReading(kind=DocumentKind.ID_CARD, source=self.name, fields=fields)
