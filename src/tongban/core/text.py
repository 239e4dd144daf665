"""Text as people meant it: what a form or an API takes in is normalised (NFKC: full-width
digits and letters become ordinary ones) and stripped of control and format characters (NUL,
zero-width spaces, direction marks), so that a value made of nothing visible is empty."""

from __future__ import annotations

import unicodedata

# Kept in multi-line text; every other control (Cc) and format (Cf) character goes.
_KEPT_IN_MULTILINE = {"\n", "\t"}


def clean_text(value: str, *, multiline: bool = False) -> str:
    normal = unicodedata.normalize("NFKC", value).replace("\u2028", "\n").replace("\u2029", "\n")
    kept = "".join(
        ch
        for ch in normal
        if unicodedata.category(ch) not in ("Cc", "Cf") or (multiline and ch in _KEPT_IN_MULTILINE)
    )
    return kept.strip()
