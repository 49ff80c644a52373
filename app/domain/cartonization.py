"""Cartonization: which box (or boxes) an order's units go in, proven by an explicit 3D placement.

A volume sum says two 10 cm cubes fit in a 15 cm cube (2000 of 3375 cm³); they do not. So a box only "fits" here
when we can show where every unit goes: a position and one of its six axis-aligned orientations, inside the box
and overlapping nothing. Every placement is checked by ``Placement.problems()`` before it is returned, so a
heuristic may miss a fit (and suggest a bigger box) but can never claim one that is physically impossible.

Two searches produce placements:

* an extreme-point heuristic (Crainic, Perboli & Tadei 2008), run with several item orders and scoring rules,
  fast for any number of units;
* for small orders, an exhaustive search over guillotine packings (every way to cut the box in two with a plane
  and pack each side recursively, items in any orientation). It is exact for one or two units and for every
  packing that can be cut apart by straight cuts, which covers the way people actually stack goods in a carton.

Box weight limits are gross (contents plus the empty box), as printed on a box maker's certificate.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.errors import DomainError

EPS = 1e-6
"""Tolerance (cm / kg) for comparing sums of decimal dimensions such as 3 x 9.6 against 28.8."""

BOX_SCAN_PREFIX = "BOX-"
"""A packer scans ``BOX-<code>`` (see the conventions) to use another box than the suggested one."""

BOX_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")

GUILLOTINE_MAX_UNITS = 8
"""Largest unit count the exhaustive guillotine search is tried for (beyond it only the heuristic runs)."""

GUILLOTINE_BUDGET = 40_000
"""Most block combinations one guillotine search may evaluate before it gives up (keeps the terminal snappy)."""

Dims = tuple[float, float, float]


# --- errors -----------------------------------------------------------------------------------------------------


class InvalidBoxCatalog(DomainError):
    """``assets/boxes.toml`` (or another catalog) cannot be used; names the file, the key and what was expected."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        super().__init__(f"{source}: {key}: expected {expected}")
        self.source = source
        self.key = key
        self.expected = expected


class ItemDoesNotFit(DomainError):
    """A unit fits in no box of the catalog at all (too long or too heavy): it needs special handling."""

    def __init__(self, item: Item, reason: str) -> None:
        super().__init__(f"{item.sku}: {reason}")
        self.sku = item.sku
        self.reason = reason


class BoxTooSmall(DomainError):
    """The box the packer chose cannot hold the units (the message says why)."""

    def __init__(self, box: BoxType, reason: str) -> None:
        super().__init__(f"box {box.code} ({box.name}): {reason}")
        self.box_code = box.code
        self.reason = reason


class UnknownBox(DomainError):
    def __init__(self, text: str, known: Iterable[str]) -> None:
        super().__init__(f"{text!r} is not a box of the catalog (known: {', '.join(sorted(known)) or 'none'})")
        self.text = text


# --- model ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One physical unit to pack (an order line of quantity 3 is three items)."""

    sku: str
    length_cm: float
    width_cm: float
    height_cm: float
    weight_kg: float

    @property
    def dims(self) -> Dims:
        return (self.length_cm, self.width_cm, self.height_cm)

    @property
    def volume_cm3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm

    def orientations(self) -> tuple[Dims, ...]:
        """The distinct axis-aligned orientations (6 for three different sides, 1 for a cube)."""
        return _orientations(self.dims)


@dataclass(frozen=True, slots=True)
class BoxType:
    """A carton size the packing station stocks. Dimensions are inside measures; ``max_weight_kg`` is gross."""

    code: str
    name: str
    inner_length_cm: float
    inner_width_cm: float
    inner_height_cm: float
    max_weight_kg: float
    cost: Decimal
    tare_weight_kg: float
    wall_cm: float = 0.5
    """Board thickness: outer size = inner + 2 x wall, which is what carriers measure for dimensional weight."""

    @property
    def inner_dims(self) -> Dims:
        return (self.inner_length_cm, self.inner_width_cm, self.inner_height_cm)

    @property
    def outer_dims(self) -> Dims:
        w = 2 * self.wall_cm
        return (self.inner_length_cm + w, self.inner_width_cm + w, self.inner_height_cm + w)

    @property
    def volume_cm3(self) -> float:
        return self.inner_length_cm * self.inner_width_cm * self.inner_height_cm

    @property
    def scan_code(self) -> str:
        """The barcode text on the shelf label of this box size."""
        return f"{BOX_SCAN_PREFIX}{self.code}"


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """Where one unit sits: corner nearest the box origin, and its extent along the box's length/width/height."""

    item: Item
    x_cm: float
    y_cm: float
    z_cm: float
    length_cm: float
    width_cm: float
    height_cm: float

    @property
    def end(self) -> Dims:
        return (self.x_cm + self.length_cm, self.y_cm + self.width_cm, self.z_cm + self.height_cm)


@dataclass(frozen=True, slots=True)
class Placement:
    """A proof that the units fit: every unit's position and orientation in ``box``."""

    box: BoxType
    placed: tuple[PlacedItem, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(p.item for p in self.placed)

    @property
    def weight_kg(self) -> float:
        """Gross weight: the units plus the empty box."""
        return sum(p.item.weight_kg for p in self.placed) + self.box.tare_weight_kg

    def problems(self) -> list[str]:
        """Everything physically wrong with this placement (empty when it is real): used to verify every search
        result, and by tests as an independent check."""
        found: list[str] = []
        box_dims = self.box.inner_dims
        for i, p in enumerate(self.placed):
            if sorted((p.length_cm, p.width_cm, p.height_cm)) != sorted(p.item.dims):
                found.append(f"unit {i} ({p.item.sku}): {p.length_cm}x{p.width_cm}x{p.height_cm} is not a rotation")
            start = (p.x_cm, p.y_cm, p.z_cm)
            for axis in range(3):
                if start[axis] < -EPS or p.end[axis] > box_dims[axis] + EPS:
                    found.append(f"unit {i} ({p.item.sku}): sticks out of the box along axis {axis}")
        for (i, a), (j, b) in itertools.combinations(enumerate(self.placed), 2):
            if _overlap((a.x_cm, a.y_cm, a.z_cm), a.end, (b.x_cm, b.y_cm, b.z_cm), b.end):
                found.append(f"units {i} ({a.item.sku}) and {j} ({b.item.sku}) overlap")
        if self.weight_kg > self.box.max_weight_kg + EPS:
            found.append(f"gross weight {self.weight_kg:.3f} kg is over the box limit {self.box.max_weight_kg} kg")
        return found


@dataclass(frozen=True, slots=True)
class CartonPlan:
    """One carton to pack: the box, the units in it, and the gross weight the scale should show."""

    box: BoxType
    items: tuple[Item, ...]
    weight_kg: float
    """Units plus the empty box: the expected weight for the weight check."""
    placement: Placement = field(repr=False, compare=False)

    @classmethod
    def from_placement(cls, placement: Placement) -> CartonPlan:
        return cls(placement.box, placement.items, round(placement.weight_kg, 6), placement)


def plans_cost(plans: Sequence[CartonPlan]) -> Decimal:
    """What the boxes of a packing plan cost together."""
    return sum((p.box.cost for p in plans), Decimal(0))


# --- loading ----------------------------------------------------------------------------------------------------

_BOX_KEYS = {
    "code",
    "name",
    "inner_length_cm",
    "inner_width_cm",
    "inner_height_cm",
    "max_weight_kg",
    "cost",
    "tare_weight_kg",
    "wall_cm",
}


def load_boxes(data: Mapping[str, Any], source: str = "<boxes>") -> list[BoxType]:
    """Validate a parsed box catalog (``[[box]]`` tables) into box types; errors name the file and key."""
    raw = data.get("box")
    if not isinstance(raw, list) or not raw:
        raise InvalidBoxCatalog(source, "box", "one or more [[box]] tables")
    boxes: list[BoxType] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        prefix = f"box[{i}]"
        if not isinstance(entry, dict):
            raise InvalidBoxCatalog(source, prefix, "a table")
        unknown = sorted(set(entry) - _BOX_KEYS)
        if unknown:
            raise InvalidBoxCatalog(source, f"{prefix}.{unknown[0]}", f"one of {', '.join(sorted(_BOX_KEYS))}")
        code = entry.get("code")
        if not isinstance(code, str) or not BOX_CODE_RE.match(code):
            raise InvalidBoxCatalog(source, f"{prefix}.code", f"capital letters, digits, - or _, got {code!r}")
        if code in seen:
            raise InvalidBoxCatalog(source, f"{prefix}.code", f"a unique code, {code!r} is used twice")
        seen.add(code)
        prefix = f"box[{i}] ({code})"
        name = entry.get("name", code)
        if not isinstance(name, str) or not name.strip():
            raise InvalidBoxCatalog(source, f"{prefix}.name", "a non-empty string")

        length, width, height = (
            _number(entry, k, source, prefix) for k in ("inner_length_cm", "inner_width_cm", "inner_height_cm")
        )
        max_weight = _number(entry, "max_weight_kg", source, prefix)
        tare = _number(entry, "tare_weight_kg", source, prefix, positive=False, default=0.0)
        wall = _number(entry, "wall_cm", source, prefix, positive=False, default=0.5)
        if tare >= max_weight:
            raise InvalidBoxCatalog(source, f"{prefix}.tare_weight_kg", f"less than max_weight_kg ({max_weight})")
        cost = _decimal(entry.get("cost"), source, f"{prefix}.cost")
        boxes.append(BoxType(code, name.strip(), length, width, height, max_weight, cost, tare, wall))
    return boxes


def _number(
    entry: Mapping[str, Any], key: str, source: str, prefix: str, *, positive: bool = True, default: float | None = None
) -> float:
    value = entry.get(key, default)
    if value is None:
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", "a number (required)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", f"a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", f"a {kind} number, got {value!r}")
    return float(value)


def _decimal(value: Any, source: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}")
    return amount


def parse_box_scan(text: str) -> str | None:
    """The box code in a ``BOX-<code>`` scan, or None when the scan is something else."""
    text = text.strip()
    if not text.upper().startswith(BOX_SCAN_PREFIX):
        return None
    code = text[len(BOX_SCAN_PREFIX) :].upper()
    return code if BOX_CODE_RE.match(code) else None


def box_for_scan(text: str, boxes: Sequence[BoxType]) -> BoxType:
    """The box type a packer scanned (``BOX-M1``) or typed (``M1``); ``UnknownBox`` otherwise."""
    code = parse_box_scan(text) or text.strip().upper()
    for box in boxes:
        if box.code == code:
            return box
    raise UnknownBox(text, (b.code for b in boxes))


# --- fitting ----------------------------------------------------------------------------------------------------


def fits(items: Sequence[Item], box: BoxType) -> Placement | None:
    """A verified placement of all ``items`` in ``box``, or None when none was found (or the box is too weak)."""
    return _find_placement(list(items), box, thorough=True)


def plan_for_box(items: Sequence[Item], box: BoxType) -> CartonPlan:
    """Check a box the packer chose instead of the suggestion; raise ``BoxTooSmall`` saying why it won't do."""
    weight = sum(i.weight_kg for i in items) + box.tare_weight_kg
    if weight > box.max_weight_kg + EPS:
        raise BoxTooSmall(box, f"{weight:.2f} kg gross is over its {box.max_weight_kg:g} kg limit")
    for item in items:
        if not _fits_alone_dims(item, box):
            inner = _fmt_dims(box.inner_dims)
            raise BoxTooSmall(box, f"{item.sku} ({_fmt_dims(item.dims)} cm) does not fit in {inner} cm")
    placement = fits(items, box)
    if placement is None:
        raise BoxTooSmall(box, f"the {len(items)} units cannot be arranged inside {_fmt_dims(box.inner_dims)} cm")
    return CartonPlan.from_placement(placement)


def _find_placement(items: list[Item], box: BoxType, *, thorough: bool) -> Placement | None:
    if not items:
        return Placement(box, ())
    if sum(i.weight_kg for i in items) + box.tare_weight_kg > box.max_weight_kg + EPS:
        return None
    if sum(i.volume_cm3 for i in items) > box.volume_cm3 * (1 + EPS):
        return None
    if not all(_fits_alone_dims(i, box) for i in items):
        return None
    for order, merit in _strategies(len(items), thorough):
        placed = _pack_extreme_points(sorted(items, key=order), box.inner_dims, merit)
        if placed is not None:
            placement = Placement(box, tuple(placed))
            if not placement.problems():
                return placement
    if thorough and len(items) <= GUILLOTINE_MAX_UNITS:
        placed = _pack_guillotine(items, box.inner_dims)
        if placed is not None:
            placement = Placement(box, tuple(placed))
            if not placement.problems():
                return placement
    return None


def _fits_alone_dims(item: Item, box: BoxType) -> bool:
    """An axis-aligned box fits in another in some orientation iff its sorted sides fit the sorted sides."""
    return all(a <= b + EPS for a, b in zip(sorted(item.dims), sorted(box.inner_dims), strict=True))


def _fmt_dims(dims: Iterable[float]) -> str:
    return "x".join(f"{d:g}" for d in dims)


def _orientations(dims: Dims) -> tuple[Dims, ...]:
    return tuple(dict.fromkeys(itertools.permutations(dims)))


def _overlap(a0: Sequence[float], a1: Sequence[float], b0: Sequence[float], b1: Sequence[float]) -> bool:
    """Two boxes overlap when their intervals overlap on all three axes (touching faces do not count)."""
    return all(a0[k] < b1[k] - EPS and b0[k] < a1[k] - EPS for k in range(3))


# --- extreme-point heuristic -------------------------------------------------------------------------------------

Merit = Callable[[float, float, float, float, float, float, Dims], tuple[float, ...]]


def _merit_floor(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Lowest, then back-most, then left-most; flattest orientation first: builds stable layers."""
    return (round(z, 4), round(y, 4), round(x, 4), dz, dy)


def _merit_compact(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Smallest bounding box of everything placed so far: keeps the load in one corner."""
    volume = max(bbox[0], x + dx) * max(bbox[1], y + dy) * max(bbox[2], z + dz)
    return (round(volume, 3), round(z, 4), round(y, 4), round(x, 4))


def _merit_wall(x: float, y: float, z: float, dx: float, dy: float, dz: float, bbox: Dims) -> tuple[float, ...]:
    """Fill from the back wall forwards in upright columns: good for tall units in deep boxes."""
    return (round(x, 4), round(y, 4), round(z, 4), dx, dy)


def _key_volume(i: Item) -> tuple[float, ...]:
    return (-i.volume_cm3, -max(i.dims), i.sku)


def _key_longest(i: Item) -> tuple[float, ...]:
    return (-max(i.dims), -i.volume_cm3, i.sku)


def _key_base(i: Item) -> tuple[float, ...]:
    s = sorted(i.dims)
    return (-(s[1] * s[2]), -i.volume_cm3, i.sku)


def _key_shortest(i: Item) -> tuple[float, ...]:
    return (-min(i.dims), -i.volume_cm3, i.sku)


def _strategies(count: int, thorough: bool) -> list[tuple[Callable[[Item], Any], Merit]]:
    quick: list[tuple[Callable[[Item], Any], Merit]] = [(_key_volume, _merit_floor), (_key_volume, _merit_compact)]
    if not thorough:
        return quick
    orders = [_key_volume, _key_longest, _key_base, _key_shortest]
    merits: list[Merit] = [_merit_floor, _merit_compact, _merit_wall]
    combos = quick + [(o, m) for o in orders for m in merits if (o, m) not in quick]
    return combos if count <= 16 else combos[:6]


class _ExtremePoints:
    """The state of one extreme-point packing: units placed so far and the candidate corners for the next one.

    Kept as an object so first-fit-decreasing can grow an open carton one unit at a time instead of re-packing it.
    """

    def __init__(self, box: Dims, placed: Iterable[PlacedItem] = (), *, box_type: BoxType | None = None) -> None:
        self.box = box
        self.box_type = box_type
        self._reset(placed)

    def _reset(self, placed: Iterable[PlacedItem]) -> None:
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

    def grow(self, unit: Item) -> bool:
        """Add ``unit`` to this open carton (free corners first, else a quick re-pack); False when it won't go."""
        box = self.box_type
        assert box is not None
        units = [p.item for p in self.placed]
        if sum(i.weight_kg for i in units) + unit.weight_kg + box.tare_weight_kg > box.max_weight_kg + EPS:
            return False
        if sum(i.volume_cm3 for i in units) + unit.volume_cm3 > box.volume_cm3 * (1 + EPS):
            return False
        spot = self.best_spot(unit, _merit_floor)
        if spot is not None:
            self.place(spot)
            return True
        repacked = _find_placement([*units, unit], box, thorough=False)
        if repacked is None:
            return False
        self._reset(repacked.placed)
        return True

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


def _pack_extreme_points(items: Sequence[Item], box: Dims, merit: Merit) -> list[PlacedItem] | None:
    """Place units one by one at the best extreme point (corners projected onto the faces below/behind them)."""
    state = _ExtremePoints(box)
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


# --- exhaustive guillotine search --------------------------------------------------------------------------------


class _BudgetExceeded(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Block:
    """A packed group of units: its bounding size and how it was built (a unit, or two blocks side by side)."""

    dims: Dims
    unit: int | None = None  # type index when this block is one unit
    axis: int = -1
    first: _Block | None = None
    second: _Block | None = None


def _pack_guillotine(items: Sequence[Item], box: Dims) -> list[PlacedItem] | None:
    """Search every guillotine packing: the Pareto-minimal bounding sizes of each sub-multiset of units.

    Identical units are grouped so that six mugs are 7 states, not 64 subsets. Any sub-block larger than the box
    in some direction is dropped; a block dominated (no smaller in any direction) by another is dropped too, since
    the smaller one can replace it anywhere. Returns None when no guillotine packing exists or the budget ran out.
    """
    groups: dict[tuple[float, ...], list[Item]] = {}
    for item in items:
        groups.setdefault(tuple(sorted(item.dims)), []).append(item)
    type_dims = list(groups)
    full = tuple(len(groups[t]) for t in type_dims)
    memo: dict[tuple[int, ...], list[_Block]] = {}
    work = [0]

    def within(d: Dims) -> bool:
        return d[0] <= box[0] + EPS and d[1] <= box[1] + EPS and d[2] <= box[2] + EPS

    def front(counts: tuple[int, ...]) -> list[_Block]:
        if counts in memo:
            return memo[counts]
        candidates: list[_Block] = []
        if sum(counts) == 1:
            t = counts.index(1)
            candidates = [_Block(o, unit=t) for o in _orientations(type_dims[t]) if within(o)]  # type: ignore[arg-type]
        else:
            for part in itertools.product(*(range(c + 1) for c in counts)):
                rest = tuple(c - p for c, p in zip(counts, part, strict=True))
                if sum(part) == 0 or sum(rest) == 0 or part > rest:
                    continue
                left, right = front(part), front(rest)
                for a in left:
                    for b in right:
                        for axis in range(3):
                            work[0] += 1
                            d = list(map(max, a.dims, b.dims))
                            d[axis] = a.dims[axis] + b.dims[axis]
                            dims: Dims = (d[0], d[1], d[2])
                            if within(dims):
                                candidates.append(_Block(dims, axis=axis, first=a, second=b))
                if work[0] > GUILLOTINE_BUDGET:
                    raise _BudgetExceeded
        memo[counts] = _pareto(candidates)
        return memo[counts]

    try:
        blocks = front(full)
    except _BudgetExceeded:
        return None
    if not blocks:
        return None
    pools = {t: list(groups[type_dims[t]]) for t in range(len(type_dims))}
    placed: list[PlacedItem] = []

    def lay(block: _Block, origin: Dims) -> None:
        if block.unit is not None:
            item = pools[block.unit].pop()
            placed.append(PlacedItem(item, *origin, *block.dims))
            return
        assert block.first is not None and block.second is not None
        lay(block.first, origin)
        shifted = list(origin)
        shifted[block.axis] += block.first.dims[block.axis]
        lay(block.second, (shifted[0], shifted[1], shifted[2]))

    lay(blocks[0], (0.0, 0.0, 0.0))
    return placed


def _pareto(blocks: list[_Block]) -> list[_Block]:
    """Keep only blocks that no other block beats (is no larger) in all three directions."""
    kept: list[_Block] = []
    seen: set[tuple[float, ...]] = set()
    for block in sorted(blocks, key=lambda b: (b.dims[0] * b.dims[1] * b.dims[2], b.dims)):
        key = tuple(round(v, 5) for v in block.dims)
        if key in seen:
            continue
        if any(all(k.dims[i] <= block.dims[i] + EPS for i in range(3)) for k in kept):
            continue
        seen.add(key)
        kept.append(block)
    return kept


# --- choosing boxes ---------------------------------------------------------------------------------------------


def choose_boxes(items: Sequence[Item], boxes: Sequence[BoxType]) -> list[CartonPlan]:
    """The cheapest box that holds all units; when none does, a split over several boxes of least total cost.

    A split is built by first-fit-decreasing (largest units first) with each box size in turn as the carton to
    open, then every carton is shrunk to the cheapest box that still holds its units, and cartons are merged while
    one box for both costs less than the two. The cheapest of these plans wins (fewer cartons on a tie).
    Raises ``ItemDoesNotFit`` naming the SKU when a unit fits in no box at all.
    """
    units = list(items)
    if not units:
        return []
    if not boxes:
        raise InvalidBoxCatalog("<boxes>", "box", "at least one box type")
    by_cost = sorted(boxes, key=lambda b: (b.cost, b.volume_cm3, b.code))
    for unit in units:
        _check_unit_has_a_box(unit, by_cost)
    for box in by_cost:
        placement = fits(units, box)
        if placement is not None:
            return [CartonPlan.from_placement(placement)]

    best: list[Placement] | None = None
    tried: set[frozenset[tuple[str, tuple[str, ...]]]] = set()
    for opener in sorted(by_cost, key=lambda b: (-b.volume_cm3, b.cost)):
        plan = _first_fit_decreasing(units, opener, by_cost)
        if plan is None:
            continue
        signature = frozenset((p.box.code, tuple(sorted(i.sku for i in p.items))) for p in plan)
        if signature in tried:
            continue
        tried.add(signature)
        plan = _merge_cartons(_shrink(plan, by_cost), by_cost)
        if best is None or _plan_key(plan) < _plan_key(best):
            best = plan
    if best is None:  # pragma: no cover - every unit has a box, so one carton per unit always works
        raise ItemDoesNotFit(units[0], "no packing plan found")
    return [CartonPlan.from_placement(p) for p in best]


def _check_unit_has_a_box(unit: Item, boxes: Sequence[BoxType]) -> None:
    by_size = [b for b in boxes if _fits_alone_dims(unit, b)]
    if not by_size:
        largest = max(boxes, key=lambda b: b.volume_cm3)
        raise ItemDoesNotFit(
            unit,
            f"{_fmt_dims(unit.dims)} cm is larger than every box (largest {largest.code}: "
            f"{_fmt_dims(largest.inner_dims)} cm); pack it separately",
        )
    if not any(unit.weight_kg + b.tare_weight_kg <= b.max_weight_kg + EPS for b in by_size):
        raise ItemDoesNotFit(unit, f"{unit.weight_kg:g} kg is heavier than any box that fits it can carry")


def _plan_key(plan: Sequence[Placement]) -> tuple[Decimal, int, float]:
    return (sum((p.box.cost for p in plan), Decimal(0)), len(plan), sum(p.box.volume_cm3 for p in plan))


def _cheapest_box(
    units: list[Item], boxes: Sequence[BoxType], *, below: Decimal | None = None, thorough: bool = True
) -> Placement | None:
    for box in boxes:
        if below is not None and box.cost >= below:
            break
        placement = _find_placement(units, box, thorough=thorough)
        if placement is not None:
            return placement
    return None


def _first_fit_decreasing(units: list[Item], opener: BoxType, by_cost: Sequence[BoxType]) -> list[Placement] | None:
    cartons: list[_ExtremePoints] = []
    for unit in sorted(units, key=_key_volume):
        for carton in cartons:
            if carton.grow(unit):
                break
        else:
            alone = _find_placement([unit], opener, thorough=False) or _cheapest_box([unit], by_cost)
            if alone is None:
                return None
            cartons.append(_ExtremePoints(alone.box.inner_dims, alone.placed, box_type=alone.box))
    return [Placement(c.box_type, tuple(c.placed)) for c in cartons if c.box_type is not None]


def _shrink(plan: list[Placement], by_cost: Sequence[BoxType]) -> list[Placement]:
    return [_cheapest_box(list(p.items), by_cost, below=p.box.cost) or p for p in plan]


def _merge_cartons(plan: list[Placement], by_cost: Sequence[BoxType]) -> list[Placement]:
    """Merge two cartons into one box whenever that box costs less than the two together."""
    plan = list(plan)
    improved = True
    while improved and len(plan) > 1:
        improved = False
        for i, j in itertools.combinations(range(len(plan)), 2):
            units = [*plan[i].items, *plan[j].items]
            below = plan[i].box.cost + plan[j].box.cost
            merged = _cheapest_box(units, by_cost, below=below, thorough=len(units) <= GUILLOTINE_MAX_UNITS)
            if merged is not None:
                plan = [p for k, p in enumerate(plan) if k not in (i, j)] + [merged]
                improved = True
                break
    return plan
