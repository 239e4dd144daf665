"""The drawing is to scale: at 1:100 a metre of the plan is a centimetre of paper, the sheet
is the smallest ISO size that holds it, and the scale bar says the scale it is printed at."""

from __future__ import annotations

import re

from tongban.floorplans.drawing import MARGIN, extent, plan_svg
from tongban.floorplans.format import plan_parse
from tongban.floorplans.pdf import sheet_for
from tongban.floorplans.starters import starter


def test_a_metre_is_a_centimetre_at_1_100() -> None:
    plan = plan_parse(starter("noodle"))
    svg = plan_svg(plan, paper_scale=100)
    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]  # type: ignore[union-attr]
    width_mm = float(re.search(r'width="([0-9.]+)mm"', svg).group(1))  # type: ignore[union-attr]
    assert abs(width_mm - view[2] * 10) < 0.01
    left, _, right, _ = extent(plan)
    assert view[2] >= right - left + MARGIN  # the whole plan and its margin are drawn


def test_the_scale_bar_says_the_printed_scale() -> None:
    data = starter("noodle")
    data["scale"] = 50  # declared otherwise: the PDF is still printed at 1:100
    svg = plan_svg(plan_parse(data), paper_scale=100)
    assert "1:100" in svg and "1:50" not in svg


def test_the_sheet_is_the_smallest_that_holds_the_plan_at_1_100() -> None:
    assert sheet_for(10, 8) == ("A4", 297, 210, 100)
    assert sheet_for(30, 20)[::3] == ("A3", 100)
    assert sheet_for(50, 30)[::3] == ("A2", 100)
    # Too large for A0 at 1:100 (a market hall): the first scale that fits, said on the sheet.
    assert sheet_for(200, 100)[::3] == ("A0", 200)
    assert sheet_for(300, 300)[::3] == ("A0", 500)
