"""From OCR text boxes to a document's fields.

Boxes are de-skewed with their own median angle (a photo is rarely straight), grouped into
lines, and each line joined; a label and its value may come back as one box or two. The
parsers then look for the labels a Chinese ID card and business licence print.
"""

from __future__ import annotations

import dataclasses
import math
import re
import statistics

from tongban.forms.idreader.reading import (
    DocumentKind,
    DocumentReading,
    ReadField,
    UnreadableDocument,
)


@dataclasses.dataclass
class Box:
    text: str
    score: float
    points: list[tuple[float, float]]  # four corners, clockwise from top-left


@dataclasses.dataclass
class Line:
    text: str
    score: float
    y: float
    height: float


def _angle(box: Box) -> float:
    (x0, y0), (x1, y1) = box.points[0], box.points[1]
    return math.atan2(y1 - y0, x1 - x0)


def lines_from_boxes(boxes: list[Box]) -> list[Line]:
    if not boxes:
        return []
    skew = (
        statistics.median(_angle(b) for b in boxes if len(b.text) >= 2)
        if any(len(b.text) >= 2 for b in boxes)
        else 0.0
    )
    cos, sin = math.cos(-skew), math.sin(-skew)
    placed = []
    for b in boxes:
        xs = [x * cos - y * sin for x, y in b.points]
        ys = [x * sin + y * cos for x, y in b.points]
        placed.append((sum(ys) / 4, min(xs), max(ys) - min(ys), b))
    placed.sort(key=lambda p: p[0])
    rows: list[list[tuple[float, float, float, Box]]] = []
    for item in placed:
        if rows:
            row = rows[-1]
            cy = statistics.mean(p[0] for p in row)
            if abs(item[0] - cy) < 0.5 * max(item[2], min(p[2] for p in row)):
                row.append(item)
                continue
        rows.append([item])
    lines = []
    for row in rows:
        row.sort(key=lambda p: p[1])
        lines.append(
            Line(
                text="".join(p[3].text for p in row),
                score=min(p[3].score for p in row),
                y=statistics.mean(p[0] for p in row),
                height=statistics.mean(p[2] for p in row),
            )
        )
    return lines


_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"})
_TRADITIONAL = str.maketrans(
    {
        "漢": "汉",
        "東": "东",
        "鄉": "乡",
        "納": "纳",
        "傈": "傈",
        "錫": "锡",
        "溫": "温",
        "達": "达",
        "瑤": "瑶",
    }
)
_DIGIT_FIX = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "Z": "2", "S": "5", "B": "8"}
)
_ID_RE = re.compile(r"[0-9ODoIlZSB]{17}[0-9Xx×ODoIlZSB]")
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_DOT = re.compile(r"(\d{4})[.．·,](\d{1,2})[.．·,](\d{1,2})")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_FULLWIDTH)


def _iso(match: re.Match[str] | None) -> str:
    if not match:
        return ""
    y, m, d = (int(g) for g in match.groups())
    return f"{y:04d}-{m:02d}-{d:02d}"


def _after(label: str, text: str) -> str:
    """What follows a label on its line ('姓名张三' → '张三'); tolerant of one misread char."""
    if text.startswith(label):
        return text[len(label) :]
    if (
        len(label) >= 4
        and len(text) >= len(label)
        and sum(a == b for a, b in zip(label, text[: len(label)], strict=True)) >= len(label) - 1
    ):
        return text[len(label) :]
    return ""


def _find(lines: list[Line], label: str) -> int:
    for i, line in enumerate(lines):
        if _after(label, _clean(line.text)) or _clean(line.text) == label:
            return i
    return -1


def _value(lines: list[Line], label: str) -> ReadField:
    i = _find(lines, label)
    if i < 0:
        return ReadField("", 0.0)
    text = _clean(lines[i].text)
    return ReadField(_after(label, text), lines[i].score)


def detect_kind(lines: list[Line]) -> str:
    text = "".join(_clean(line.text) for line in lines)
    if "营业执照" in text or "信用代码" in text:
        return DocumentKind.LICENCE
    if "公民身份号码" in text or ("姓名" in text and _ID_RE.search(text)):
        return DocumentKind.ID_FRONT
    if "居民身份证" in text or "签发机关" in text or "有效期限" in text:
        return DocumentKind.ID_BACK
    if _ID_RE.search(text):
        return DocumentKind.ID_FRONT
    raise UnreadableDocument("未识别到居民身份证或营业执照，请重新拍摄或手工填写")


def parse_id_front(lines: list[Line]) -> dict[str, ReadField]:
    fields: dict[str, ReadField] = {"name": _value(lines, "姓名")}
    fields["name"].value = re.sub(r"[^\u4e00-\u9fff·]", "", fields["name"].value)
    sex = ReadField("", 0.0)
    ethnicity = ReadField("", 0.0)
    i = _find(lines, "性别")
    if i >= 0:
        text = _clean(lines[i].text)
        if m := re.search(r"性别([男女])", text):
            sex = ReadField(m.group(1), lines[i].score)
        if m := re.search(r"民族([\u4e00-\u9fff]+)", text):
            ethnicity = ReadField(m.group(1).translate(_TRADITIONAL), lines[i].score)
    fields["sex"], fields["ethnicity"] = sex, ethnicity
    birth = ReadField("", 0.0)
    for line in lines:
        if iso := _iso(_DATE_CN.search(_clean(line.text))):
            birth = ReadField(iso, line.score)
            break
    fields["birth_date"] = birth
    start = _find(lines, "住址")
    stop = next((k for k, line in enumerate(lines) if "身份号码" in _clean(line.text)), len(lines))
    if start >= 0:
        parts = [_after("住址", _clean(lines[start].text))]
        parts += [_clean(line.text) for line in lines[start + 1 : stop]]
        score = (
            min(line.score for line in lines[start:stop]) if stop > start else lines[start].score
        )
        fields["address"] = ReadField("".join(parts), score)
    else:
        fields["address"] = ReadField("", 0.0)
    number = ReadField("", 0.0)
    for line in reversed(lines):
        if m := _ID_RE.search(_clean(line.text)):
            number = ReadField(
                m.group(0).translate(_DIGIT_FIX).replace("×", "X").upper(), line.score
            )
            break
    fields["id_number"] = number
    return fields


def parse_id_back(lines: list[Line]) -> dict[str, ReadField]:
    fields = {"issuing_authority": _value(lines, "签发机关")}
    valid_from, valid_until = ReadField("", 0.0), ReadField("", 0.0)
    for line in lines:
        text = _clean(line.text)
        dates = list(_DATE_DOT.finditer(text))
        if dates:
            valid_from = ReadField(_iso(dates[0]), line.score)
            if len(dates) > 1:
                valid_until = ReadField(_iso(dates[1]), line.score)
            elif "长期" in text:
                valid_until = ReadField("长期", line.score)
            break
    fields["valid_from"], fields["valid_until"] = valid_from, valid_until
    return fields


_LICENCE_LABELS = {
    "company_name": "名称",
    "company_kind": "类型",
    "legal_representative": "法定代表人",
    "registered_capital": "注册资本",
    "company_address": "住所",
    "scope": "经营范围",
}


def parse_licence(lines: list[Line]) -> dict[str, ReadField]:
    fields: dict[str, ReadField] = {}
    code = ReadField("", 0.0)
    for line in lines:
        if m := _USCC_RE.search(_clean(line.text).upper()):
            code = ReadField(m.group(0), line.score)
            break
    fields["credit_code"] = code
    for key, label in _LICENCE_LABELS.items():
        fields[key] = _value(lines, label)
    established = ReadField("", 0.0)
    i = _find(lines, "成立日期")
    if i >= 0:
        established = ReadField(_iso(_DATE_CN.search(_clean(lines[i].text))), lines[i].score)
    fields["established"] = established
    return fields


PARSERS = {
    DocumentKind.ID_FRONT: parse_id_front,
    DocumentKind.ID_BACK: parse_id_back,
    DocumentKind.LICENCE: parse_licence,
}


def parse(lines: list[Line], source: str) -> DocumentReading:
    kind = detect_kind(lines)
    return DocumentReading(kind=kind, source=source, fields=PARSERS[kind](lines))
