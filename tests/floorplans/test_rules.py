"""Each rule of the checker holds one passing and one failing plan: the templates pass (they
are the passing plans), and one change to a template breaks exactly the rule under test (other
rules may follow, as they would on paper). The checker reads geometry, never a user's
answer: a route reversed, a door moved off the route, a room renamed are all it needs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.floorplans.checker import BINDING, jurisdictions, plan_check
from tongban.floorplans.format import plan_parse
from tongban.floorplans.starters import STARTERS, starter

Plan = dict[str, Any]


def part(plan: Plan, key: str, id_: str) -> dict[str, Any]:
    return next(p for p in plan[key] if p["id"] == id_)


def drop(plan: Plan, key: str, id_: str) -> None:
    plan[key] = [p for p in plan[key] if p["id"] != id_]


def rules_hit(plan: Plan) -> set[str]:
    return {f.rule for f in plan_check(plan_parse(plan)).findings}


def _set(key: str, id_: str, **values: Any) -> Callable[[Plan], None]:
    return lambda plan: part(plan, key, id_).update(values)


def _add(key: str, value: dict[str, Any]) -> Callable[[Plan], None]:
    return lambda plan: plan[key].append(value)


def _reverse(id_: str) -> Callable[[Plan], None]:
    return lambda plan: part(plan, "marks", id_)["points"].reverse()


def _plan_field(**values: Any) -> Callable[[Plan], None]:
    return lambda plan: plan.update(values)


def _drop(key: str, *ids: str) -> Callable[[Plan], None]:
    def change(plan: Plan) -> None:
        for id_ in ids:
            drop(plan, key, id_)

    return change


# (rule, jurisdiction, the template that passes it, the change that breaks it)
CASES: list[tuple[str, str, str, Callable[[Plan], None]]] = [
    (
        "drawing.overlap",
        "national",
        "noodle",
        _add(
            "rooms", {"id": "x", "name": "加建", "zone": "storage", "x": 9, "y": 1, "w": 2, "h": 2}
        ),
    ),
    (
        "drawing.openings",
        "national",
        "noodle",
        _add("openings", {"id": "x", "kind": "door", "x": 50, "y": 50, "length": 1, "dir": "h"}),
    ),
    (
        "drawing.equipment_placed",
        "national",
        "noodle",
        _add("equipment", {"id": "x", "kind": "sink", "x": 50, "y": 50, "w": 1, "h": 1}),
    ),
    ("drawing.room_names", "national", "noodle", _set("rooms", "store", name="")),
    ("drawing.north_arrow", "national", "noodle", _plan_field(north=None)),
    ("drawing.scale", "national", "noodle", _plan_field(scale=None)),
    ("drawing.equipment_counts", "national", "noodle", _drop("equipment", "e4", "e5")),
    ("zones.required", "national", "noodle", _plan_field(business=["hot_food", "cold_food"])),
    ("special_room.pre_entry", "national", "restaurant", _set("rooms", "pre", zone="auxiliary")),
    (
        "special_room.hand_wash",
        "national",
        "restaurant",
        _set("equipment", "e15", non_manual=False),
    ),
    (
        "special_room.self_closing",
        "national",
        "restaurant",
        _set("openings", "d-cold", self_closing=False),
    ),
    (
        "special_room.pass_window",
        "national",
        "restaurant",
        lambda p: [part(p, "openings", o).update(kind="window") for o in ("pw-cold-in", "pw-cold")],
    ),
    (
        "special_room.no_open_drain",
        "national",
        "restaurant",
        _add("equipment", {"id": "x", "kind": "open_drain", "x": 8.5, "y": 5.5, "w": 1, "h": 0.2}),
    ),
    (
        "special_room.temperature",
        "national",
        "restaurant",
        _set("equipment", "e11", temperature_max=28),
    ),
    ("special_room.min_share", "national", "restaurant", _set("rooms", "cold", w=2)),
    ("special_room.min_area", "xian", "restaurant", _set("rooms", "cold", w=1.5, h=2.5)),
    ("equipment.required", "national", "noodle", _drop("equipment", "e11")),
    ("equipment.pest_control", "national", "noodle", _drop("equipment", "e3")),
    (
        "area.handling_to_dining",
        "national",
        "noodle",
        _add(
            "rooms", {"id": "x", "name": "大堂", "zone": "dining", "x": 0, "y": 8, "w": 10, "h": 6}
        ),
    ),
    ("area.cooking_share", "national", "noodle", _set("rooms", "prep", zone="rough_processing")),
    (
        "area.handling_share",
        "jiangsu",
        "restaurant",
        _add(
            "rooms",
            {"id": "x", "name": "大堂", "zone": "dining", "x": 0, "y": 10, "w": 18, "h": 12},
        ),
    ),
    ("area.rough_share", "shenzhen", "noodle", lambda p: None),
    ("flow.drawn", "national", "noodle", _drop("marks", "raw")),
    ("flow.through_openings", "national", "noodle", _set("openings", "d-prep", y=4)),
    ("flow.one_way", "national", "noodle", _reverse("raw")),
    (
        "flow.finished_clean",
        "national",
        "noodle",
        _add("marks", {"id": "x", "kind": "finished", "points": [[8.5, 1], [8.5, 1.8]]}),
    ),
    ("flow.tableware", "national", "noodle", _reverse("back")),
    (
        "flow.no_crossing",
        "national",
        "noodle",
        _add("marks", {"id": "x", "kind": "finished", "points": [[6, 4.5], [6, 2.5]]}),
    ),
    (
        "flow.separate_entrances",
        "national",
        "noodle",
        _set("marks", "back", points=[[2, 1.5], [5.5, 1.5]]),
    ),
    ("flow.drainage", "national", "noodle", _reverse("drain")),
    (
        "flow.ventilation",
        "national",
        "noodle",
        _add("marks", {"id": "x", "kind": "ventilation", "points": [[5, 6.5], [5, 4.5]]}),
    ),
]
# The Shenzhen rule's passing plan: the noodle shop with a rough-processing room of its own.
PASSING_OVERRIDES: dict[str, Callable[[Plan], None]] = {
    "area.rough_share": _set("rooms", "prep", zone="rough_processing"),
}


def _codes() -> set[str]:
    return {rule.code for j in jurisdictions() for rule in j.rules}


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == _codes()


@pytest.mark.parametrize(("rule", "where", "template", "change"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_and_fails(
    rule: str, where: str, template: str, change: Callable[[Plan], None]
) -> None:
    passing = starter(template, where)
    if rule in PASSING_OVERRIDES:
        PASSING_OVERRIDES[rule](passing)
    else:
        failing = copy.deepcopy(passing)
        change(failing)
    if rule in PASSING_OVERRIDES:
        failing = starter(template, where)
    assert rule not in rules_hit(passing)
    assert rule in rules_hit(failing)


@pytest.mark.parametrize("template", ["noodle", "cafe", "restaurant"])
def test_templates_pass_every_national_rule(template: str) -> None:
    result = plan_check(plan_parse(starter(template)))
    assert result.findings == ()
    assert result.passed


def test_findings_point_at_the_place() -> None:
    plan = starter("noodle")
    _set("openings", "d-prep", y=4)(plan)
    finding = next(
        f for f in plan_check(plan_parse(plan)).findings if f.rule == "flow.through_openings"
    )
    # The raw route crosses the wall between the prep room and the kitchen at x = 7, y = 3.5.
    assert finding.at == {"kind": "mark", "id": "raw", "x": 7.0, "y": 3.5}
    assert "粗加工切配间" in finding.message and "烹饪间" in finding.message
    assert finding.severity == BINDING
    assert finding.source.startswith("平面图制图要求")


def test_messages_in_english_name_zones_in_english() -> None:
    plan = starter("noodle")
    plan["business"] = ["hot_food", "cold_food"]
    finding = next(f for f in plan_check(plan_parse(plan)).findings if f.rule == "zones.required")
    assert finding.message == "经营冷食类食品制售须设置专间"
    assert finding.message_en == "Making Cold food needs a Dedicated room"


def test_time_separation_lets_routes_share_an_opening() -> None:
    plan = starter("noodle")
    _set("marks", "back", points=[[2, 1.5], [5.5, 1.5]])(plan)
    assert "flow.separate_entrances" in rules_hit(plan)
    plan["time_separation"] = True
    assert "flow.separate_entrances" not in rules_hit(plan)


def test_blank_plan_lists_the_zones_the_business_needs() -> None:
    result = plan_check(plan_parse(starter("blank")))
    assert not result.passed
    assert {f.rule for f in result.findings} == {"zones.required"}


@settings(max_examples=60, deadline=None)
@given(
    template=st.sampled_from(sorted(set(STARTERS) - {"blank"})),
    dx=st.integers(min_value=0, max_value=400).map(lambda v: v / 10),
    dy=st.integers(min_value=0, max_value=400).map(lambda v: v / 10),
)
def test_moving_the_whole_plan_changes_no_finding(template: str, dx: float, dy: float) -> None:
    """The rules read the plan's shape, not where it sits on the sheet."""
    plan = starter(template)
    plan["business"] = [*plan["business"], "decorated_cake"]  # some findings to compare
    before = sorted(f.rule for f in plan_check(plan_parse(plan)).findings)
    for key in ("rooms", "openings", "equipment"):
        for p in plan[key]:
            p["x"] = round(p["x"] + dx, 2)
            p["y"] = round(p["y"] + dy, 2)
    for mark in plan["marks"]:
        mark["points"] = [[round(x + dx, 2), round(y + dy, 2)] for x, y in mark["points"]]
    assert sorted(f.rule for f in plan_check(plan_parse(plan)).findings) == before


@settings(max_examples=80, deadline=None)
@given(
    rooms=st.lists(
        st.tuples(
            st.integers(0, 300),
            st.integers(0, 300),
            st.integers(1, 80),
            st.integers(1, 80),
            st.sampled_from(
                ["cooking", "special_room", "storage", "dining", "washing", "pre_entry"]
            ),
        ),
        max_size=12,
    ),
    doors=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.sampled_from(["h", "v"])),
        max_size=8,
    ),
    route=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), min_size=2, max_size=6),
)
def test_any_drawable_plan_gets_findings_at_real_places(
    rooms: list[tuple[int, int, int, int, str]],
    doors: list[tuple[int, int, str]],
    route: list[tuple[int, int]],
) -> None:
    """Whatever is drawn, the checker answers (no crash) and every finding that points at a
    place points inside the drawing's extent."""
    plan = starter("blank")
    plan["business"] = ["hot_food", "cold_food"]
    plan["rooms"] = [
        {"id": f"r{i}", "name": "", "zone": z, "x": x / 10, "y": y / 10, "w": w / 10, "h": h / 10}
        for i, (x, y, w, h, z) in enumerate(rooms)
    ]
    plan["openings"] = [
        {"id": f"o{i}", "kind": "door", "x": x / 10, "y": y / 10, "length": 1, "dir": d}
        for i, (x, y, d) in enumerate(doors)
    ]
    plan["marks"] = [{"id": "m", "kind": "raw", "points": [[x / 10, y / 10] for x, y in route]}]
    for finding in plan_check(plan_parse(plan)).findings:
        if "x" in finding.at:
            assert 0 <= finding.at["x"] <= 60 and 0 <= finding.at["y"] <= 60


def test_a_plan_drawn_to_be_checked_forever_is_refused_or_capped() -> None:
    """Routes are limited in points, and each rule reports its first 30 findings: the cost of
    a check is bounded whatever is sent."""
    from django.core.exceptions import ValidationError

    from tongban.floorplans.checker import MAX_PER_RULE
    from tongban.floorplans.format import MAX_POINTS_TOTAL

    plan = starter("noodle")
    zigzag = [[float(i % 2 * 9), round(i * 0.1, 1)] for i in range(60)]
    plan["marks"] = [
        {"id": f"m{n}", "kind": "raw" if n % 2 else "finished", "points": zigzag}
        for n in range(MAX_POINTS_TOTAL // 60)
    ]
    counts: dict[str, int] = {}
    for finding in plan_check(plan_parse(plan)).findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    assert counts["flow.no_crossing"] == MAX_PER_RULE
    assert max(counts.values()) <= MAX_PER_RULE
    plan["marks"].append({"id": "one-more", "kind": "raw", "points": [[0, 0], [1, 1]]})
    with pytest.raises(ValidationError) as caught:
        plan_parse(plan)
    assert "合计不得超过600个" in str(caught.value.message_dict["plan"])
