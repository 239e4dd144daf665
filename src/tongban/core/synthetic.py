"""Synthetic identifiers with valid checksums, for the demo city and tests. Never real people."""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

from tongban.core.ids import organization_code_check


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """An 18-digit resident ID number: region + birth date + 3-digit sequence + check digit."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(kind: str, region: str, serial: int) -> str:
    """A unified social credit code. `kind` is the 2-character registration-authority and
    category code (e.g. '11' organ, '91' enterprise, '92' individual business)."""
    org_body = f"{serial % 100_000_000:08d}"
    org = org_body + organization_code_check(org_body)
    body = f"{kind}{region}{org}"
    return body + uscc.calc_check_digit(body + "0")
