"""The 15-minute service circle, computed: a population grid of the city, which of its cells
are within 15 minutes' walk of a service point (of any kind, or one that handles an item, or
one open at a given time), the share per district, the gaps, and where the next points would
reach the most people (greedy maximum coverage).

Geometry is shapely's (district outlines: the Voronoi cells of the district seats, clipped to
the city's outline); rasters are numpy's. A district's census population is spread evenly
over its cells; a district without a checked figure counts no one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely

from tongban.servicemap.city import City, District, the_city
from tongban.servicemap.selectors import DETOUR, WALK_M_PER_MINUTE

CELL_M = 100
WALK_MINUTES = 15
BLOCK_CELLS = 10  # gaps are reported per 1 km block


def reach_m(minutes: float = WALK_MINUTES) -> float:
    """The straight-line distance a walk of `minutes` covers along streets."""
    return minutes * WALK_M_PER_MINUTE / DETOUR


@dataclass(frozen=True)
class Grid:
    city: City
    cell_m: int
    x0: float  # the west edge, metres from the city's origin
    y0: float  # the south edge
    district_of: np.ndarray  # (ny, nx) int16: index into city.districts, -1 outside
    population: np.ndarray  # (ny, nx) float64: people in the cell
    outlines: dict[str, shapely.Polygon]  # district code → outline (lng/lat)

    @property
    def shape(self) -> tuple[int, int]:
        ny, nx = self.district_of.shape
        return int(ny), int(nx)

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        return int((y - self.y0) // self.cell_m), int((x - self.x0) // self.cell_m)

    def centre_of(self, row: int, col: int) -> tuple[float, float]:
        """The (lng, lat) of a cell's centre."""
        x = self.x0 + (col + 0.5) * self.cell_m
        y = self.y0 + (row + 0.5) * self.cell_m
        lng, lat = self.city.to_degrees(np.array(x), np.array(y))
        return float(lng), float(lat)


def district_outlines(city: City) -> dict[str, shapely.Polygon]:
    """The schematic outline of each district: its seat's Voronoi cell inside the city."""
    seats = shapely.MultiPoint([d.seat for d in city.districts])
    cells = shapely.voronoi_polygons(seats, extend_to=city.outline.envelope)
    outlines: dict[str, shapely.Polygon] = {}
    for cell in shapely.get_parts(cells):
        for district in city.districts:
            if cell.contains(shapely.Point(district.seat)):
                clipped = cell.intersection(city.outline)
                outlines[district.code] = clipped
    return outlines


@functools.cache
def city_grid(cell_m: int = CELL_M) -> Grid:
    """The city's population grid (built once per process and cell size)."""
    return build_grid(the_city(), cell_m)


def build_grid(city: City, cell_m: int) -> Grid:
    outlines = district_outlines(city)
    lng, lat = city.outline.exterior.xy
    xs, ys = city.to_metres(np.asarray(lng), np.asarray(lat))
    x0, y0 = float(xs.min()), float(ys.min())
    nx = int(np.ceil((xs.max() - x0) / cell_m))
    ny = int(np.ceil((ys.max() - y0) / cell_m))
    centres_x = x0 + (np.arange(nx) + 0.5) * cell_m
    centres_y = y0 + (np.arange(ny) + 0.5) * cell_m
    district_of = np.full((ny, nx), -1, dtype=np.int16)
    for index, district in enumerate(city.districts):
        outline = outlines.get(district.code)
        if outline is None or outline.is_empty:
            continue
        ring_x, ring_y = city.to_metres(*(np.asarray(c) for c in _coords(outline)))
        metric = shapely.Polygon(np.column_stack([ring_x, ring_y]))
        minx, miny, maxx, maxy = metric.bounds
        c0, c1 = int((minx - x0) // cell_m), int(np.ceil((maxx - x0) / cell_m))
        r0, r1 = int((miny - y0) // cell_m), int(np.ceil((maxy - y0) / cell_m))
        gx, gy = np.meshgrid(centres_x[c0:c1], centres_y[r0:r1])
        shapely.prepare(metric)
        inside = shapely.contains_xy(metric, gx, gy)
        window = district_of[r0:r1, c0:c1]
        window[inside & (window < 0)] = index
    population = np.zeros((ny, nx), dtype=np.float64)
    counts = np.bincount(district_of[district_of >= 0].ravel(), minlength=len(city.districts))
    for index, district in enumerate(city.districts):
        if district.population and counts[index]:
            population[district_of == index] = district.population / counts[index]
    return Grid(city, cell_m, x0, y0, district_of, population, outlines)


def _coords(polygon: shapely.Polygon | shapely.MultiPolygon) -> tuple[list[float], list[float]]:
    largest = max(shapely.get_parts(polygon), key=lambda p: p.area)
    lng, lat = largest.exterior.xy
    return list(lng), list(lat)


def _disk(radius_cells: float) -> np.ndarray:
    r = int(np.ceil(radius_cells))
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    disk: np.ndarray = (xx * xx + yy * yy) <= radius_cells * radius_cells
    return disk


def covered_cells(grid: Grid, points: Iterable[tuple[float, float]], reach: float) -> np.ndarray:
    """The cells whose centre is within `reach` metres (straight line) of a point."""
    covered = np.zeros(grid.shape, dtype=bool)
    disk = _disk(reach / grid.cell_m)
    r = disk.shape[0] // 2
    ny, nx = grid.shape
    for lng, lat in points:
        x, y = grid.city.to_metres(np.array(lng), np.array(lat))
        row, col = grid.cell_of(float(x), float(y))
        r0, r1, c0, c1 = row - r, row + r + 1, col - r, col + r + 1
        dr0, dc0 = max(0, -r0), max(0, -c0)
        dr1, dc1 = disk.shape[0] - max(0, r1 - ny), disk.shape[1] - max(0, c1 - nx)
        if dr0 >= dr1 or dc0 >= dc1:
            continue
        covered[max(0, r0) : min(ny, r1), max(0, c0) : min(nx, c1)] |= disk[dr0:dr1, dc0:dc1]
    return covered & (grid.district_of >= 0)


@dataclass(frozen=True)
class DistrictCoverage:
    district: District
    population: int  # 0: no checked census figure
    covered: int

    @property
    def share(self) -> float | None:
        return self.covered / self.population if self.population else None


@dataclass(frozen=True)
class Suggestion:
    lng: float
    lat: float
    district: str
    gained: int  # people newly within 15 minutes


@dataclass(frozen=True)
class Gap:
    lng: float
    lat: float
    district: str
    population: int  # people in the 1 km block beyond 15 minutes


@dataclass
class Coverage:
    grid: Grid
    covered: np.ndarray
    districts: list[DistrictCoverage]
    population: int
    covered_population: int
    gaps: list[Gap] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.covered_population / self.population if self.population else None


def coverage(
    points: Iterable[tuple[float, float]],
    *,
    grid: Grid | None = None,
    minutes: float = WALK_MINUTES,
    suggest: int = 0,
    gaps: int = 20,
) -> Coverage:
    """Who lives within `minutes` of the points, per district; the largest gaps; and where
    `suggest` new points would each reach the most people not yet reached."""
    grid = grid or city_grid()
    reach = reach_m(minutes)
    covered = covered_cells(grid, points, reach)
    index = grid.district_of
    inside = index >= 0
    n = len(grid.city.districts)
    people = np.bincount(index[inside], weights=grid.population[inside], minlength=n)
    reached = np.bincount(index[inside], weights=(grid.population * covered)[inside], minlength=n)
    result = Coverage(
        grid=grid,
        covered=covered,
        districts=[
            DistrictCoverage(d, int(round(people[i])), int(round(reached[i])))
            for i, d in enumerate(grid.city.districts)
        ],
        population=int(round(people.sum())),
        covered_population=int(round(reached.sum())),
    )
    result.gaps = _gaps(grid, covered, gaps)
    if suggest:
        result.suggestions = greedy_sites(grid, covered, reach, suggest)
    return result


def top_blocks(grid: Grid, values: np.ndarray, limit: int) -> list[tuple[int, int, float]]:
    """The 1 km blocks holding the most of `values` (people): (row, col) of each block's
    centre cell and its sum, largest first, none under one person."""
    b = BLOCK_CELLS
    ny, nx = grid.shape
    padded = np.zeros((-(-ny // b) * b, -(-nx // b) * b))
    padded[:ny, :nx] = values
    blocks = padded.reshape(padded.shape[0] // b, b, padded.shape[1] // b, b).sum(axis=(1, 3))
    found = []
    for flat in np.argsort(blocks, axis=None)[::-1][:limit]:
        br, bc = np.unravel_index(flat, blocks.shape)
        if blocks[br, bc] < 1:
            break
        found.append((min(ny - 1, br * b + b // 2), min(nx - 1, bc * b + b // 2), blocks[br, bc]))
    return found


def _gaps(grid: Grid, covered: np.ndarray, limit: int) -> list[Gap]:
    found = []
    for row, col, people in top_blocks(grid, grid.population * ~covered, limit):
        lng, lat = grid.centre_of(row, col)
        district = int(grid.district_of[row, col])
        code = grid.city.districts[district].code if district >= 0 else ""
        found.append(Gap(lng, lat, code, int(round(people))))
    return found


def _convolve(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """values ⊛ kernel, same size, by FFT (numpy's)."""
    ky, kx = kernel.shape
    shape = (values.shape[0] + ky - 1, values.shape[1] + kx - 1)
    spectrum = np.fft.rfft2(values, shape) * np.fft.rfft2(kernel.astype(np.float64), shape)
    full = np.fft.irfft2(spectrum, shape)
    return full[ky // 2 : ky // 2 + values.shape[0], kx // 2 : kx // 2 + values.shape[1]]


def greedy_sites(grid: Grid, covered: np.ndarray, reach: float, k: int) -> list[Suggestion]:
    """Greedy maximum coverage: k times, the cell whose 15-minute disk holds the most people
    not yet reached (within the city), then those people count as reached. The greedy choice
    is within 1 − 1/e of the best set of k (Nemhauser, Wolsey and Fisher, 1978)."""
    disk = _disk(reach / grid.cell_m)
    r = disk.shape[0] // 2
    unreached = grid.population * ~covered
    inside = grid.district_of >= 0
    gains = _convolve(unreached, disk)
    ny, nx = grid.shape
    picks = []
    for _n in range(k):
        candidates = np.where(inside, gains, -1.0)
        flat = int(np.argmax(candidates))
        row, col = divmod(flat, nx)
        gained = float(candidates[row, col])
        if gained < 1:
            break
        lng, lat = grid.centre_of(row, col)
        picks.append(
            Suggestion(
                lng, lat, grid.city.districts[grid.district_of[row, col]].code, int(round(gained))
            )
        )
        r0, r1, c0, c1 = (
            max(0, row - r),
            min(ny, row + r + 1),
            max(0, col - r),
            min(nx, col + r + 1),
        )
        window = disk[r0 - (row - r) : r1 - (row - r), c0 - (col - r) : c1 - (col - r)]
        unreached[r0:r1, c0:c1][window] = 0.0
        # Only disks overlapping the new one change: recompute the gains there.
        w0, w1 = max(0, row - 2 * r), min(ny, row + 2 * r + 1)
        v0, v1 = max(0, col - 2 * r), min(nx, col + 2 * r + 1)
        p0, p1 = max(0, w0 - r), min(ny, w1 + r)
        q0, q1 = max(0, v0 - r), min(nx, v1 + r)
        local = _convolve(unreached[p0:p1, q0:q1], disk)
        gains[w0:w1, v0:v1] = local[w0 - p0 : w1 - p0, v0 - q0 : v1 - q0]
    return picks
