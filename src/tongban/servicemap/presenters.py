"""What the coverage map draws, computed from a coverage: the schematic districts as GeoJSON,
the points, the people within and beyond reach by 1 km block, and the suggested sites."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely.geometry
from django.utils.translation import gettext as _

from tongban.servicemap.coverage import Coverage, Grid, top_blocks
from tongban.servicemap.models import ServicePoint

BLOCKS_DRAWN = 400


def _blocks(grid: Grid, values: np.ndarray, limit: int) -> list[list[float]]:
    """[lng, lat, people] of the 1 km blocks with the most `values`."""
    out = []
    for row, col, people in top_blocks(grid, values, limit):
        lng, lat = grid.centre_of(row, col)
        out.append([round(lng, 5), round(lat, 5), int(round(people))])
    return out


def coverage_map_data(result: Coverage, points: list[ServicePoint]) -> dict[str, Any]:
    grid = result.grid
    names = {d.code: d.name for d in grid.city.districts}
    return {
        "geojson": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": names[code]},
                    "geometry": shapely.geometry.mapping(outline),
                }
                for code, outline in grid.outlines.items()
            ],
        },
        "districts": [
            {
                "name": d.district.name,
                "share": None if d.share is None else round(d.share * 100, 1),
            }
            for d in result.districts
        ],
        "points": [
            {"name": p.shown_name, "kind": p.get_kind_display(), "value": list(p.lng_lat)}
            for p in points
        ],
        "covered": _blocks(grid, grid.population * result.covered, BLOCKS_DRAWN),
        "gaps": [[round(g.lng, 5), round(g.lat, 5), g.population] for g in result.gaps],
        "suggestions": [[round(s.lng, 5), round(s.lat, 5), s.gained] for s in result.suggestions],
        "labels": {
            "points": _("服务点"),
            "covered": _("15分钟内（每平方公里人数）"),
            "gaps": _("15分钟外（每平方公里人数）"),
            "suggestions": _("建议新增"),
            "schematic": _("示意图：区界为按区县政府驻地划分的示意边界，非测绘成果"),
        },
    }
