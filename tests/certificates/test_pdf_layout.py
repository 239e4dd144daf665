"""Documents that look official (issue 19, part 5): on every certificate template, the seal
overlaps no text whatever the issuing authority's name; the authority is printed on one line
up to 30 characters; Latin text has no ligatures drawn from the CJK font (the verification URL
reads "certificates", not "certi。cates"); the seal's holder is the printed 发证机关, the
reviewing department its 承办部门 (decision 47)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from tongban.certificates.render import seal_svg
from tongban.core.pdf import font_face_css, render_pdf

NAMES = [
    "西安市行政审批服务局",
    "西安市文化和旅游局（新闻出版）",
    "西安市新城区市场监督管理局食品生产经营许可科",  # 22
    "陕西省西安市某某新区管理委员会行政审批与政务服务局（相对集中许可）",  # 33
    "陕西省西安市某某新区管理委员会行政审批与政务服务局相对集中许可权改革试点专门机构第三分局",
]
TEMPLATES = ["licence", "permit", "decision", "opinion"]


def _context(holder: str, issuer: str) -> dict[str, Any]:
    certificate = SimpleNamespace(
        number="JY16101000000017",
        seal_holder=holder,
        issuer=SimpleNamespace(name=issuer),
        issued_on=dt.date(2026, 11, 30),
        valid_until=dt.date(2031, 11, 29),
    )
    return {
        "certificate": certificate,
        "kind": SimpleNamespace(name="食品经营许可证"),
        "rows": [
            ("经营者名称", "西安测试餐饮有限公司"),
            ("经营场所", "陕西省西安市新城区示例路8号"),
        ]
        * 3,
        "qr_svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>',
        "verify_url": "https://tongban.example.cn/certificates/verify/AbCdEf/",
        "seal_svg": seal_svg(holder),
        "city": "西安市",
        "text": "经审查，申请人提交的申请材料齐全、符合法定形式，决定准予行政许可。",
        "reason": "",
        "item_name": "食品经营许可",
        "case_number": "TB20261130000001",
        "applied_on": dt.date(2026, 11, 20),
        "accepted_on": dt.date(2026, 11, 20),
        "decision_text": "准予许可",
        "members": [],
        "opinions": [],
        "font_face_css": font_face_css(),
    }


def _boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def _rect(box: Any) -> tuple[float, float, float, float]:
    x, y = box.border_box_x(), box.border_box_y()
    return x, y, x + box.border_width(), y + box.border_height()


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("holder", NAMES, ids=[f"{len(n)}chars" for n in NAMES])
def test_the_seal_covers_no_text(template: str, holder: str) -> None:
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    html = render_to_string(
        f"certificates/pdf_{template}.html", _context(holder, "西安市文化和旅游局")
    )
    page = HTML(string=html).render().pages
    assert len(page) == 1, "a certificate is one page"
    boxes = list(_boxes(page[0]._page_box))
    seal = next(
        b
        for b in boxes
        if getattr(b, "element_tag", "") == "div"
        and "seal" in (b.element.get("class") or "").split()
    )
    covered = [b.text for b in boxes if isinstance(b, TextBox) and _overlap(_rect(seal), _rect(b))]
    assert covered == [], covered
    issuer_lines = [b.text for b in boxes if isinstance(b, TextBox) and "发证机关" in b.text]
    if len(holder) <= 30:
        assert issuer_lines == [f"发证机关：{holder}"]  # one line, never cut mid-name


def test_latin_text_has_no_ligatures_and_the_seal_holder_is_the_authority() -> None:
    context = _context("西安市行政审批服务局", "西安市文化和旅游局")
    pdf = render_pdf("certificates/pdf_permit.html", context)
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "certificates/verify" in text
    assert "发证机关：西安市行政审批服务局" in text and "承办部门：西安市文化和旅游局" in text
