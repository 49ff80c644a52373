"""The extreme-point heuristic (Crainic, Perboli & Tadei 2008): fast placements for any number of units.

Units go one by one to the best "extreme point" (a corner of a placed unit, projected onto the faces below or
behind it); several item orders and scoring rules ("merits") are tried, as each suits different loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from app.domain.cartonization.model import EPS, BoxType, Dims, Item, PlacedItem

Merit = Callable[[float, float, float, float, float, float, Dims], tuple[float, ...]]


def merit_floor(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Lowest, then back-most, then left-most; flattest orientation first: builds stable layers."""
    return (round(z, 4), round(y, 4), round(x, 4), dz, dy)


def _merit_compact(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Smallest bounding box of everything placed so far: keeps the load in one corner."""
    volume = max(bbox[0], x + dx) * max(bbox[1], y + dy) * max(bbox[2], z + dz)
    return (round(volume, 3), round(z, 4), round(y, 4), round(x, 4))


def _merit_wall(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Fill from the back wall forwards in upright columns: good for tall units in deep boxes."""
    return (round(x, 4), round(y, 4), round(z, 4), dx, dy)


def key_volume(i: Item) -> tuple[float, ...]:
    return (-i.volume_cm3, -max(i.dims), i.sku)


def _key_longest(i: Item) -> tuple[float, ...]:
    return (-max(i.dims), -i.volume_cm3, i.sku)


def _key_base(i: Item) -> tuple[float, ...]:
    s = sorted(i.dims)
    return (-(s[1] * s[2]), -i.volume_cm3, i.sku)


def _key_shortest(i: Item) -> tuple[float, ...]:
    return (-min(i.dims), -i.volume_cm3, i.sku)


def strategies(count: int, thorough: bool) -> list[tuple[Callable[[Item], Any], Merit]]:
    quick: list[tuple[Callable[[Item], Any], Merit]] = [(key_volume, merit_floor), (key_volume, _merit_compact)]
    if not thorough:
        return quick
    orders = [key_volume, _key_longest, _key_base, _key_shortest]
    merits: list[Merit] = [merit_floor, _merit_compact, _merit_wall]
    combos = quick + [(o, m) for o in orders for m in merits if (o, m) not in quick]
    return combos if count <= 16 else combos[:6]


class ExtremePoints:
    """The state of one extreme-point packing: units placed so far and the candidate corners for the next one.

    Kept as an object so first-fit-decreasing can grow an open carton one unit at a time instead of re-packing it
    (see ``choosing.grow_carton``).
    """

    def __init__(self, box: Dims, placed: Iterable[PlacedItem] = (), *, box_type: BoxType | None = None) -> None:
        self.box = box
        self.box_type = box_type
        self.reset(placed)

    def reset(self, placed: Iterable[PlacedItem]) -> None:
        self.placed: list[PlacedItem] = []
        self.spans: list[tuple[float, float, float, float, float, float]] = []
        self.points: list[Dims] = [(0.0, 0.0, 0.0)]
        self.bbox: Dims = (0.0, 0.0, 0.0)
        for p in placed:
            self.place(p)

    def best_spot(self, item: Item, merit: Merit) -> PlacedItem | None:
        length, width, height = self.box
        best: tuple[tuple[float, ...], PlacedItem] | None = None
        spans = self.spans
        for x, y, z in self.points:
            for dx, dy, dz in item.orientations():
                ex, ey, ez = x + dx, y + dy, z + dz
                if ex > length + EPS or ey > width + EPS or ez > height + EPS:
                    continue
                if any(
                    x < s[3] - EPS
                    and s[0] < ex - EPS
                    and y < s[4] - EPS
                    and s[1] < ey - EPS
                    and z < s[5] - EPS
                    and s[2] < ez - EPS
                    for s in spans
                ):
                    continue
                key = merit(x, y, z, dx, dy, dz, self.bbox)
                if best is None or key < best[0]:
                    best = (key, PlacedItem(item, x, y, z, dx, dy, dz))
        return None if best is None else best[1]

    def place(self, new: PlacedItem) -> None:
        self.placed.append(new)
        x, y, z = new.x_cm, new.y_cm, new.z_cm
        ex, ey, ez = new.end
        self.spans.append((x, y, z, ex, ey, ez))
        self.bbox = (max(self.bbox[0], ex), max(self.bbox[1], ey), max(self.bbox[2], ez))
        placed = self.placed
        fresh: list[Dims] = [
            (ex, y, z),
            (x, ey, z),
            (x, y, ez),
            (ex, _project((ex, y, z), 1, placed), z),
            (ex, y, _project((ex, y, z), 2, placed)),
            (_project((x, ey, z), 0, placed), ey, z),
            (x, ey, _project((x, ey, z), 2, placed)),
            (_project((x, y, ez), 0, placed), y, ez),
            (x, _project((x, y, ez), 1, placed), ez),
        ]
        box = self.box
        # Old points were outside every earlier unit: only the new unit can cover them now.
        result: dict[tuple[float, float, float], Dims] = {}
        for point in self.points:
            if not _inside(point, new):
                result.setdefault(_point_key(point), point)
        for point in fresh:
            px, py, pz = point
            if px >= box[0] - EPS or py >= box[1] - EPS or pz >= box[2] - EPS:
                continue
            if any(
                s[0] - EPS <= px < s[3] - EPS and s[1] - EPS <= py < s[4] - EPS and s[2] - EPS <= pz < s[5] - EPS
                for s in self.spans
            ):
                continue
            result.setdefault(_point_key(point), point)
        self.points = sorted(result.values(), key=lambda p: (p[2], p[1], p[0]))


def _point_key(point: Dims) -> tuple[float, float, float]:
    return (round(point[0], 5), round(point[1], 5), round(point[2], 5))


def pack_extreme_points(items: Sequence[Item], box: Dims, merit: Merit) -> list[PlacedItem] | None:
    """Place units one by one at the best extreme point (corners projected onto the faces below/behind them)."""
    state = ExtremePoints(box)
    for item in items:
        spot = state.best_spot(item, merit)
        if spot is None:
            return None
        state.place(spot)
    return state.placed


def _inside(point: Dims, p: PlacedItem) -> bool:
    """True when ``point`` is occupied by ``p`` (its near faces included, far faces excluded)."""
    start = (p.x_cm, p.y_cm, p.z_cm)
    end = p.end
    return all(start[k] - EPS <= point[k] < end[k] - EPS for k in range(3))


def _project(point: Dims, axis: int, placed: Sequence[PlacedItem]) -> float:
    """Slide ``point`` towards 0 along ``axis`` until it meets the far face of a unit (or the box wall)."""
    others = [k for k in range(3) if k != axis]
    best = 0.0
    for p in placed:
        start = (p.x_cm, p.y_cm, p.z_cm)
        end = p.end
        if end[axis] > point[axis] + EPS:
            continue
        if all(start[k] - EPS <= point[k] < end[k] - EPS for k in others):
            best = max(best, end[axis])
    return best
