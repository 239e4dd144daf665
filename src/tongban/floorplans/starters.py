"""The plans an applicant starts from (趣味拼图: assemble, don't draw): a small noodle shop, a
café with a cold-drink room, a restaurant with a cold-dish room. Each passes every binding
rule of the national rules as it is (a test holds them to it); the applicant moves, resizes and
renames from there."""

from __future__ import annotations

from typing import Any

from tongban.floorplans.format import FORMAT, VERSION

Part = dict[str, Any]


def _room(id_: str, name: str, zone: str, x: float, y: float, w: float, h: float) -> Part:
    return {"id": id_, "name": name, "zone": zone, "x": x, "y": y, "w": w, "h": h}


def _open(id_: str, kind: str, x: float, y: float, length: float, dir_: str, **more: Any) -> Part:
    return {"id": id_, "kind": kind, "x": x, "y": y, "length": length, "dir": dir_, **more}


def _eq(id_: str, kind: str, x: float, y: float, w: float, h: float, **more: Any) -> Part:
    return {"id": id_, "kind": kind, "x": x, "y": y, "w": w, "h": h, "rot": 0, **more}


def _mark(id_: str, kind: str, *points: tuple[float, float]) -> Part:
    return {"id": id_, "kind": kind, "points": [list(p) for p in points]}


def _plan(title: str, business: list[str], rooms: list[Part], openings: list[Part],
          equipment: list[Part], marks: list[Part]) -> Part:  # fmt: skip
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "jurisdiction": "national",
        "business": business,
        "time_separation": False,
        "north": 0,
        "scale": 100,
        "rooms": rooms,
        "openings": openings,
        "equipment": equipment,
        "marks": marks,
    }


def noodle_shop() -> Part:
    return _plan(
        "小面馆",
        ["hot_food"],
        [
            _room("dining", "就餐区", "dining", 0, 0, 4, 8),
            _room("cooking", "烹饪间", "cooking", 4, 0, 3, 5),
            _room("store", "库房", "storage", 7, 0, 3, 2),
            _room("prep", "粗加工切配间", "cutting", 7, 2, 3, 3),
            _room("wash", "洗消间", "washing", 4, 5, 3, 3),
        ],
        [
            _open("d-in", "door", 10, 0.5, 1, "v"),
            _open("d-store", "door", 8, 2, 1, "h"),
            _open("d-prep", "door", 7, 3, 1, "v"),
            _open("pw-out", "pass_window", 4, 1, 1, "v"),
            _open("d-back", "door", 4, 6, 1, "v"),
            _open("d-wash", "door", 5, 5, 1, "h"),
            _open("d-guest", "door", 0, 3, 1.5, "v"),
            _open("w-front", "window", 1, 0, 2, "h"),
        ],
        [
            _eq("e1", "shelf", 7.2, 0.2, 1.5, 0.5),
            _eq("e2", "refrigerator", 7.2, 1.1, 0.8, 0.7),
            _eq("e3", "pest_control", 9.5, 0.2, 0.3, 0.2),
            _eq("e4", "sink", 9.2, 2.2, 0.6, 0.6),
            _eq("e5", "workbench", 7.3, 4.2, 1.5, 0.6),
            _eq("e6", "cooker", 5.8, 0.2, 1.0, 2.0),
            _eq("e7", "exhaust_hood", 5.8, 0.2, 1.0, 2.0),
            _eq("e8", "workbench", 4.2, 2.6, 0.6, 1.4),
            _eq("e9", "refrigerator", 5.9, 4.0, 0.8, 0.8),
            _eq("e10", "sink", 4.2, 7.2, 1.2, 0.6),
            _eq("e11", "disinfection_cabinet", 6.2, 5.3, 0.6, 0.6),
            _eq("e12", "tableware_cabinet", 6.2, 7.2, 0.6, 0.6),
            _eq("e13", "floor_drain", 5.0, 4.5, 0.2, 0.2, sealed=True),
            _eq("e14", "table", 0.5, 1.0, 1.2, 0.8),
            _eq("e15", "table", 0.5, 5.0, 1.2, 0.8),
            _eq("e16", "table", 2.3, 5.0, 1.2, 0.8),
        ],
        [
            _mark("raw", "raw", (11, 1), (8.5, 1), (8.5, 3.5), (5.5, 3.5)),
            _mark("out", "finished", (5.5, 1.5), (2, 1.5)),
            _mark("back", "tableware", (2, 6.5), (5.5, 6.5)),
            _mark("drain", "drainage", (5.1, 4.6), (5.1, 6.5)),
        ],
    )


def cafe() -> Part:
    return _plan(
        "带冷饮间的咖啡馆",
        ["drinks"],
        [
            _room("dining", "就餐区", "dining", 0, 0, 5, 7),
            _room("cold", "冷饮间", "special_room", 5, 0, 3, 2.5),
            _room("pre", "预进间", "pre_entry", 5, 2.5, 1.5, 1.5),
            _room("store", "库房", "storage", 6.5, 2.5, 1.5, 1.5),
            _room("wash", "洗消间", "washing", 5, 4, 3, 3),
        ],
        [
            _open("d-in", "door", 8, 2.7, 1, "v"),
            _open("pw-in", "pass_window", 6.8, 2.5, 0.8, "h"),
            _open("pw-out", "pass_window", 5, 0.5, 1, "v"),
            _open("d-cold", "door", 5.2, 2.5, 0.8, "h", self_closing=True),
            _open("d-pre", "door", 5.3, 4, 0.8, "h"),
            _open("d-back", "door", 5, 5, 1, "v"),
            _open("d-guest", "door", 0, 3, 1.5, "v"),
        ],
        [
            _eq("e1", "workbench", 6.0, 0.2, 1.8, 0.6),
            _eq("e2", "refrigerator", 7.1, 1.4, 0.7, 0.7),
            _eq("e3", "air_conditioner", 5.2, 0.2, 0.6, 0.3, temperature_max=25),
            _eq("e4", "uv_lamp", 6.2, 1.5, 0.4, 0.2),
            _eq("e5", "hand_wash", 5.2, 3.3, 0.5, 0.5, non_manual=True),
            _eq("e6", "shelf", 7.0, 3.4, 0.9, 0.5),
            _eq("e7", "pest_control", 7.6, 2.6, 0.3, 0.2),
            _eq("e8", "sink", 6.5, 6.2, 1.2, 0.6),
            _eq("e9", "disinfection_cabinet", 7.2, 4.2, 0.6, 0.6),
            _eq("e10", "table", 1.0, 1.0, 1.0, 1.0),
            _eq("e11", "table", 1.0, 4.5, 1.0, 1.0),
        ],
        [
            _mark("raw", "raw", (8.8, 3.2), (7.2, 3.2), (7.2, 1.2)),
            _mark("out", "finished", (6.5, 1.0), (3, 1.0)),
            _mark("back", "tableware", (3, 5.5), (6.5, 5.5)),
        ],
    )


def restaurant() -> Part:
    return _plan(
        "带凉菜间的餐馆",
        ["hot_food", "cold_food"],
        [
            _room("dining", "就餐区", "dining", 0, 0, 8, 10),
            _room("cooking", "热菜间", "cooking", 8, 0, 4.5, 5),
            _room("cut", "切配间", "cutting", 12.5, 0, 3.5, 5),
            _room("rough", "粗加工间", "rough_processing", 16, 0, 2, 5),
            _room("store", "库房", "storage", 16, 5, 2, 3),
            _room("cold", "凉菜间", "special_room", 8, 5, 3, 3),
            _room("pre", "预进间", "pre_entry", 11, 5, 2, 3),
            _room("locker", "更衣室", "auxiliary", 13, 5, 3, 3),
            _room("wash", "洗消间", "washing", 8, 8, 3, 2),
        ],
        [
            _open("d-in", "door", 18, 6, 1, "v"),
            _open("d-store", "door", 16.5, 5, 1, "h"),
            _open("d-rough", "door", 16, 2, 1, "v"),
            _open("d-cut", "door", 12.5, 2, 1, "v"),
            _open("pw-cold-in", "pass_window", 9, 5, 0.8, "h"),
            _open("pw-hot", "pass_window", 8, 1.5, 1, "v"),
            _open("pw-cold", "pass_window", 8, 6, 1, "v"),
            _open("d-cold", "door", 11, 6, 0.8, "v", self_closing=True),
            _open("d-pre", "door", 11.5, 5, 0.8, "h"),
            _open("d-locker", "door", 13, 6, 0.8, "v"),
            _open("d-back", "door", 8, 8.5, 1, "v"),
            _open("d-guest", "door", 0, 4, 2, "v"),
        ],
        [
            _eq("e1", "cooker", 10.5, 0.2, 1.8, 1.0),
            _eq("e2", "exhaust_hood", 10.5, 0.2, 1.8, 1.0),
            _eq("e3", "workbench", 8.4, 3.6, 1.5, 0.6),
            _eq("e4", "refrigerator", 11.4, 3.9, 0.9, 0.9),
            _eq("e5", "workbench", 13.0, 0.3, 2.0, 0.6),
            _eq("e6", "refrigerator", 14.8, 3.8, 0.9, 0.9),
            _eq("e7", "sink", 16.3, 0.3, 1.2, 0.6),
            _eq("e8", "workbench", 16.3, 3.6, 1.2, 0.6),
            _eq("e9", "shelf", 16.2, 6.8, 1.5, 0.5),
            _eq("e10", "pest_control", 17.6, 5.2, 0.3, 0.2),
            _eq("e11", "air_conditioner", 8.2, 7.5, 0.6, 0.3, temperature_max=25),
            _eq("e12", "uv_lamp", 9.8, 7.5, 0.4, 0.2),
            _eq("e13", "workbench", 9.0, 6.5, 1.5, 0.6),
            _eq("e14", "refrigerator", 10.0, 5.3, 0.7, 0.7),
            _eq("e15", "hand_wash", 12.2, 7.2, 0.5, 0.5, non_manual=True),
            _eq("e16", "sink", 9.5, 9.2, 1.2, 0.6),
            _eq("e17", "disinfection_cabinet", 8.3, 9.2, 0.6, 0.6),
            _eq("e18", "floor_drain", 14.0, 4.5, 0.2, 0.2, sealed=True),
            _eq("e19", "table", 1.0, 1.0, 1.6, 0.9),
            _eq("e20", "table", 4.0, 1.0, 1.6, 0.9),
            _eq("e21", "table", 1.0, 7.0, 1.6, 0.9),
            _eq("e22", "table", 4.0, 7.0, 1.6, 0.9),
        ],
        [
            _mark("raw", "raw", (18.8, 6.5), (17, 6.5), (17, 2.5), (10, 2.5)),
            _mark("out-hot", "finished", (9.5, 2), (6, 2)),
            _mark("out-cold", "finished", (9.5, 6.5), (6, 6.5)),
            _mark("back", "tableware", (6, 9), (10, 9)),
            _mark("drain", "drainage", (14, 4.6), (17, 4.6)),
        ],
    )


STARTERS = {
    "noodle": ("小面馆", "Small noodle shop", noodle_shop),
    "cafe": ("带冷饮间的咖啡馆", "Café with a cold-drink room", cafe),
    "restaurant": ("带凉菜间的餐馆", "Restaurant with a cold-dish room", restaurant),
    "blank": ("空白图纸", "Blank sheet", lambda: _plan("", ["hot_food"], [], [], [], [])),
}


def starter(code: str, jurisdiction: str = "national") -> Part:
    """A fresh copy of the starter `code` (KeyError if unknown), for `jurisdiction`."""
    plan = STARTERS[code][2]()
    plan["jurisdiction"] = jurisdiction
    return plan
